import { DURATION_PATTERN, parseDuration } from '../core/duration.ts';
import { SIZE_PATTERN, parseSize } from '../core/size.ts';
import type { ConfigIssue, Path } from './issues.ts';
import type { SourceMap } from './source.ts';
import { isRecord } from './data.ts';

export type Unit = 'duration' | 'size';

/** The one message for a bad duration or size, instead of one ajv error per union branch. */
export const UNIT_MESSAGE: Record<Unit, string> = {
  duration: 'must be a duration such as 250ms, 2s, 1m',
  size: 'must be a size such as 512kb, 10mb',
};

/**
 * Whether a schema is sdk's Duration() or Size(): by the core pattern in one of its branches (robust to a
 * caller overriding the description), else by the description sdk gives them.
 */
export function unitKind(schema: unknown): Unit | undefined {
  if (!isRecord(schema)) return undefined;
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : [];
  for (const b of branches) {
    if (isRecord(b) && b.pattern === DURATION_PATTERN) return 'duration';
    if (isRecord(b) && b.pattern === SIZE_PATTERN) return 'size';
  }
  const d = typeof schema.description === 'string' ? schema.description : '';
  if (branches.length > 0 && d.startsWith('duration')) return 'duration';
  if (branches.length > 0 && d.startsWith('size')) return 'size';
  return undefined;
}

/**
 * Parse every duration and size in `value` with the core parsers, so what passed the schema is what the
 * gateway will accept at compile time (e.g. `.inf` is a number >= 0 but not a usable duration).
 * Run it on data that passed its schema; it follows properties, records and array items.
 */
export function checkUnits(
  schema: unknown,
  value: unknown,
  path: Path,
  map: SourceMap,
  out: ConfigIssue[],
): void {
  if (!isRecord(schema) || value === undefined) return;
  const unit = unitKind(schema);
  if (unit) {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    try {
      if (unit === 'duration') parseDuration(value);
      else parseSize(value);
    } catch {
      out.push(map.issue(path, UNIT_MESSAGE[unit]));
    }
    return;
  }
  if (Array.isArray(value)) {
    if (isRecord(schema.items))
      value.forEach((v, i) => checkUnits(schema.items, v, [...path, i], map, out));
    return;
  }
  if (!isRecord(value)) return;
  const props = isRecord(schema.properties) ? schema.properties : {};
  const patterns = isRecord(schema.patternProperties)
    ? Object.entries(schema.patternProperties)
    : [];
  for (const [k, v] of Object.entries(value)) {
    const own = props[k];
    if (own !== undefined) {
      checkUnits(own, v, [...path, k], map, out);
      continue;
    }
    const pat = patterns.find(([re]) => new RegExp(re, 'u').test(k));
    const sub = pat ? pat[1] : schema.additionalProperties;
    checkUnits(sub, v, [...path, k], map, out);
  }
}
