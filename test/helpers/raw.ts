import { connect } from 'node:net';

/**
 * Sends raw bytes over a fresh TCP connection and returns everything the server wrote before closing (or
 * until `waitMs` of silence). For malformed requests no HTTP client would send.
 */
export function rawRequest(port: number, data: string | Buffer, waitMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout;
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(done, waitMs);
    };
    sock.on('connect', () => {
      sock.write(data);
      arm();
    });
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    sock.on('end', done);
    sock.on('close', done);
    sock.on('error', (e) => (chunks.length ? done() : reject(e)));
  });
}

/** Status code of the first response in raw output. */
export function statusOf(raw: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  return m ? Number(m[1]) : 0;
}

/** JSON body of a raw response (Content-Length framed). */
export function jsonBodyOf(raw: string): Record<string, unknown> {
  const i = raw.indexOf('\r\n\r\n');
  return JSON.parse(raw.slice(i + 4)) as Record<string, unknown>;
}
