/**
 * Reads a whole body of at most `max` bytes. Returns null (and stops reading) as soon as it is larger, so a
 * misbehaving peer cannot make the gateway buffer without bound.
 */
export async function readBounded(body: AsyncIterable<Buffer>, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > max) return null;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
