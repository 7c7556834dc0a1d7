/** A duration as users write it: a number of milliseconds, or a string such as `250ms`, `2s`, `1m`, `1h`, `1d`. */
export type Duration = string | number;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The pattern a duration string must match; used by the config schema so errors point at the field. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)\\s*$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Milliseconds for a duration; throws on malformed input (the schema rejects such input first). */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`invalid duration: ${value}`);
    return value;
  }
  const m = DURATION_RE.exec(value);
  if (!m) throw new Error(`invalid duration: ${JSON.stringify(value)} (use e.g. 250ms, 2s, 1m, 1h, 1d)`);
  const num = Number.parseFloat(value);
  const unit = value.trim().replace(/^[\d.\s]+/, '');
  return Math.round(num * (UNITS[unit] ?? 1));
}
