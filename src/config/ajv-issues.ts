import type { ErrorObject } from 'ajv';
import type { ConfigIssue, Path, PathSeg } from './issues.ts';
import type { SourceMap } from './source.ts';
import { UNIT_MESSAGE, unitKind } from './units.ts';
import { isRecord } from './data.ts';

/**
 * Turn ajv errors (validator compiled with `verbose: true`, so `schema`/`parentSchema` are present) into
 * human issues: config paths, source positions, one message per problem. `data` is what was validated and
 * `base` its path in the config (a plugin config is validated on its own, below `routes[2].plugins.x`).
 */
export function ajvIssues(
  errors: readonly ErrorObject[],
  data: unknown,
  base: Path,
  map: SourceMap,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const at = (
    pointer: string,
    extra: PathSeg[],
    message: string,
    where: 'value' | 'key' = 'value',
  ): void => {
    out.push(map.issue([...base, ...pointerToPath(pointer, data), ...extra], message, where));
  };
  const consumed = new Set<ErrorObject>();
  // Outer unions first: their verdict decides what happens to the errors of unions nested in their branches.
  const unions = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const u of unions) {
    if (consumed.has(u)) continue;
    consumed.add(u);
    const inside = errors.filter(
      (e) =>
        e !== u &&
        e.schemaPath.startsWith(`${u.schemaPath}/`) &&
        within(e.instancePath, u.instancePath),
    );
    const verdict = unionVerdict(u, inside);
    if (typeof verdict === 'string') {
      for (const e of inside) consumed.add(e);
      at(u.instancePath, [], verdict);
    } else {
      // The value clearly meant one branch: report that branch's own errors, drop the others' noise.
      for (const e of inside)
        if (!e.schemaPath.startsWith(`${u.schemaPath}/${verdict}/`)) consumed.add(e);
    }
  }
  for (const e of errors) {
    if (consumed.has(e) || e.keyword === 'if') continue; // `if` only says "must match then"; then's errors say why
    const p: Record<string, unknown> = e.params;
    if (e.keyword === 'additionalProperties')
      at(e.instancePath, [String(p.additionalProperty)], 'unknown key', 'key');
    else if (e.keyword === 'required')
      at(e.instancePath, [String(p.missingProperty)], 'is required');
    else at(e.instancePath, [], keywordMessage(e, p));
  }
  return out;
}

function keywordMessage(e: ErrorObject, p: Record<string, unknown>): string {
  const parent: unknown = e.parentSchema;
  const limit = Number(p.limit);
  switch (e.keyword) {
    case 'type':
      return `must be ${typeWord(p.type)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${limit}`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters long`;
    case 'maxLength':
      return `must be at most ${limit} characters long`;
    case 'minItems':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} items`;
    case 'maxItems':
      return `must have at most ${limit} items`;
    case 'minProperties':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} entries`;
    case 'maxProperties':
      return `must have at most ${limit} entries`;
    case 'uniqueItems':
      return `must not contain duplicates (items ${String(p.j)} and ${String(p.i)} are the same)`;
    case 'pattern': {
      const d =
        isRecord(parent) && typeof parent.description === 'string'
          ? ` (${parent.description})`
          : '';
      // A long pattern (lookaheads and all) says less than its description.
      if (d !== '' && String(p.pattern).length > 60) return `must be ${String((parent as { description: string }).description)}`;
      return `must match pattern ${String(p.pattern)}${d}`;
    }
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'enum':
      return `must be one of: ${list(p.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return e.message ?? 'is invalid';
  }
}

// Errors about an object's members, reported at the object itself.
const INSIDES = new Set(['required', 'additionalProperties', 'dependentRequired']);

/** Either one message for the whole union, or the index of the branch whose own errors should be reported. */
function unionVerdict(u: ErrorObject, inside: readonly ErrorObject[]): string | number {
  const branches: unknown[] = Array.isArray(u.schema) ? u.schema : [];
  const unit = unitKind(u.parentSchema);
  if (unit) return UNIT_MESSAGE[unit];
  // oneOf that failed because several branches matched has no branch errors.
  if (inside.length === 0) return u.message ?? 'matches more than one alternative';
  const consts = branches.map(constValues);
  if (consts.every((c) => c !== undefined)) return `must be one of: ${list(consts.flat())}`;
  const candidates = branches
    .map((_, i) => i)
    .filter(
      (i) =>
        !inside.some(
          (e) => e.schemaPath.startsWith(`${u.schemaPath}/${i}/`) && isShapeMismatch(e, u),
        ),
    );
  // Pick the branch only when its errors are about the value's insides (a field of an object); a failure on
  // the value itself (pattern, range) reads better as the list of what the value may be.
  const only = candidates.length === 1 ? candidates[0] : undefined;
  if (
    only !== undefined &&
    inside.some(
      (e) =>
        e.schemaPath.startsWith(`${u.schemaPath}/${only}/`) &&
        (e.instancePath !== u.instancePath || INSIDES.has(e.keyword)),
    )
  ) {
    return only;
  }
  return `must be ${branches.map(describeBranch).join(' or ')}`;
}

/** An error showing the value is not of this branch's kind at all (vs. the right kind with a bad field). */
function isShapeMismatch(e: ErrorObject, u: ErrorObject): boolean {
  if (e.instancePath === u.instancePath) return ['type', 'const', 'enum'].includes(e.keyword);
  // A discriminator (`kind: const`) one level down also rules the branch out.
  const rest = e.instancePath.slice(u.instancePath.length);
  return (
    within(e.instancePath, u.instancePath) &&
    !rest.slice(1).includes('/') &&
    ['const', 'enum'].includes(e.keyword)
  );
}

function constValues(schema: unknown): unknown[] | undefined {
  if (!isRecord(schema)) return undefined;
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

function describeBranch(schema: unknown): string {
  const c = constValues(schema);
  if (c) return c.map((v) => JSON.stringify(v)).join(' or ');
  if (!isRecord(schema)) return 'valid';
  if (typeof schema.description === 'string') return schema.description;
  if (typeof schema.pattern === 'string') return `a string matching ${schema.pattern}`;
  return typeWord(schema.type);
}

function typeWord(t: unknown): string {
  if (Array.isArray(t)) return t.map(typeWord).join(' or ');
  if (t === 'null') return 'null';
  if (typeof t !== 'string') return 'valid';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function list(values: unknown): string {
  return Array.isArray(values)
    ? values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
    : '';
}

function within(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

/** JSON pointer → path; a segment is an index exactly when the data there is an array. */
export function pointerToPath(pointer: string, data: unknown): PathSeg[] {
  const out: PathSeg[] = [];
  let cur = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}
