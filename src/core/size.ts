/** A size as users write it: a number of bytes, or a string such as `512kb`, `10mb`, `1gb`. */
export type Size = string | number;

const UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** The pattern a size string must match (case-insensitive units); used by the config schema. */
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([bBkKmMgG]|[kKmMgG][bB])?\\s*$';
const SIZE_RE = new RegExp(SIZE_PATTERN);

/** Bytes for a size; throws on malformed input (the schema rejects such input first). */
export function parseSize(value: Size): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`invalid size: ${value}`);
    return Math.floor(value);
  }
  if (!SIZE_RE.test(value)) throw new Error(`invalid size: ${JSON.stringify(value)} (use e.g. 512kb, 10mb)`);
  const num = Number.parseFloat(value);
  const unit = value.trim().replace(/^[\d.\s]+/, '').toLowerCase() || 'b';
  return Math.floor(num * (UNITS[unit] ?? 1));
}
