import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema, type Portico } from './schema.ts';
import { ajvIssues } from './ajv-issues.ts';
import type { ConfigIssue, Path } from './issues.ts';
import type { SourceMap } from './source.ts';
import { checkUnits } from './units.ts';

/**
 * One ajv for the file schema and every plugin schema. `useDefaults` fills defaults into the data we return;
 * `strict: false` because TypeBox emits keywords ajv's strict mode rejects (e.g. `Kind` metadata, `default`
 * beside `anyOf`); `verbose` gives ajv-issues.ts the schemas it needs for human messages.
 */
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
// ajv-formats is CommonJS: under nodenext its default import is the module object, the plugin is `.default`.
addFormats.default(ajv);

let configValidator: ValidateFunction<Portico> | undefined;
// Keyed by schema object: a plugin's schema is compiled once per process, however many scopes use it.
const pluginValidators = new WeakMap<TSchema, ValidateFunction>();

/** Validate (and default) the file against ConfigSchema. The data is mutated: defaults are filled in. */
export function validateConfig(
  data: unknown,
  map: SourceMap,
): { ok: boolean; issues: ConfigIssue[] } {
  configValidator ??= ajv.compile<Portico>(ConfigSchema);
  return run(configValidator, ConfigSchema, data, [], map);
}

/** Validate (and default) one plugin config, at `path` in the file. */
export function validatePluginConfig(
  schema: TSchema,
  data: unknown,
  path: Path,
  map: SourceMap,
): { ok: boolean; issues: ConfigIssue[] } {
  let v = pluginValidators.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    pluginValidators.set(schema, v);
  }
  return run(v, schema, data, path, map);
}

function run(
  v: ValidateFunction,
  schema: TSchema,
  data: unknown,
  path: Path,
  map: SourceMap,
): { ok: boolean; issues: ConfigIssue[] } {
  if (!v(data)) return { ok: false, issues: ajvIssues(v.errors ?? [], data, path, map) };
  // Only once the shape is right: a value that failed its pattern already has its error.
  const issues: ConfigIssue[] = [];
  checkUnits(schema, data, path, map, issues);
  return { ok: issues.length === 0, issues };
}
