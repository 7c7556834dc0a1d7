import { createHash } from 'node:crypto';
import { isRecord } from './data.ts';

/**
 * JSON with object keys sorted at every level, so two configs that differ only in key order (or in how the
 * YAML was laid out) serialize the same. Undefined object members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (isRecord(value)) {
    const toJSON = value.toJSON;
    if (typeof toJSON === 'function') return canonicalJson(toJSON.call(value));
    const members = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The config's identity: sha256 of its canonical JSON, first 16 hex chars. Workers report it so an operator
 * can see every process runs the same version; it is computed after defaults and `${ENV}` are applied.
 */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}
