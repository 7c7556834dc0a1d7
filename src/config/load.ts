import { readFile } from 'node:fs/promises';
import type { Portico } from './schema.ts';
import { isRecord } from './data.ts';
import { configHash } from './hash.ts';
import { interpolateDocument, type Env, type Reread } from './interpolate.ts';
import { ConfigError, formatPath, sortIssues, type ConfigIssue, type Path, type PathSeg } from './issues.ts';
import { checkCredentials } from './credentials.ts';
import { checkPlugins, type PluginLookup } from './plugins.ts';
import { checkReferences } from './references.ts';
import { routeWarnings } from './route-warnings.ts';
import { parseSource } from './source.ts';
import { validateConfig } from './validate.ts';

export { ConfigError, formatIssue, type ConfigIssue } from './issues.ts';
export type { PluginLookup } from './plugins.ts';
export { redactConfig } from './redact.ts';
export { configHash } from './hash.ts';

/** A validated config: defaults filled in, `${ENV}` applied, plugin configs defaulted by their own schemas. */
export interface LoadedConfig {
  config: Portico;
  /** configHash(config): identical for configs that differ only in layout or key order. */
  hash: string;
  file: string;
  /** Non-fatal issues (e.g. from a plugin's `warn()`); the config is usable. */
  warnings: ConfigIssue[];
  loadedAt: Date;
}

export interface LoadOptions {
  plugins: PluginLookup;
  /** Values for `${VAR}`; process.env when absent. */
  env?: Record<string, string | undefined>;
}

/**
 * Parse, interpolate and validate config text (YAML or JSON). `file` is only used in messages. Throws a
 * ConfigError listing every issue found; stages stop early only when later ones would report noise (no
 * schema check on a file that does not parse, or whose `${VAR}`s are unresolved).
 */
export function loadConfigText(text: string, file: string, opts: LoadOptions): LoadedConfig {
  const { doc, map, issues: syntax } = parseSource(text, file);
  if (syntax.length > 0) throw new ConfigError(sortIssues(syntax));
  // Nothing but whitespace and comments (a lone `---` parses as a null document and is caught below).
  if (doc.contents === null) {
    throw new ConfigError([{ path: '', message: 'config file is empty', file }]);
  }

  const env: Env = opts.env ?? process.env;
  const rereads: Reread[] = [];
  const unresolved = interpolateDocument(doc, env, map, rereads);
  if (unresolved.length > 0) throw new ConfigError(sortIssues(unresolved));

  const data: unknown = doc.toJS();
  if (!isRecord(data))
    throw new ConfigError([map.issue([], 'must be a mapping of settings (e.g. `routes: [...]`)')]);

  // Consumers whose id defaults to their username (Kong would generate one; a stable, readable one is
  // better here). Applied in check() so that a username restored to its text below gets its id too.
  const idless = Array.isArray(data.consumers) ? (data.consumers as unknown[]).filter((c) => isRecord(c) && c.id === undefined) : [];
  const check = () => {
    for (const c of idless) if (isRecord(c) && typeof c.username === 'string') c.id = c.username;
    const schema = validateConfig(data, map);
    const plugins = checkPlugins(data, opts.plugins, map);
    const credentials = checkCredentials(data, opts.plugins, map);
    const refs = checkReferences(data, map);
    return {
      ok: schema.ok,
      issues: [...schema.issues, ...plugins.issues, ...credentials.issues, ...refs],
      warnings: [...plugins.warnings, ...credentials.warnings, ...routeWarnings(data, opts.plugins, map)],
    };
  };
  let checked = check();
  // `key: ${ALICE_KEY}` with ALICE_KEY=00123 was re-read as a number; where a string is wanted it is the text.
  const wanted = new Set(checked.issues.filter((i) => i.message.startsWith('must be a string')).map((i) => i.path));
  const back = rereads.filter((r) => wanted.has(formatPath(r.path)));
  if (back.length > 0) {
    for (const r of back) setAt(data, r.path, r.text);
    checked = check();
  }
  const { issues, warnings } = checked;
  if (issues.length > 0 || !checked.ok) throw new ConfigError(sortIssues(issues));

  // validateConfig returned ok, so ajv has checked `data` against ConfigSchema.
  const config = data as Portico;
  return {
    config,
    hash: configHash(config),
    file,
    warnings: sortIssues(warnings),
    loadedAt: new Date(),
  };
}

/** Read `file` (UTF-8) and load it; an unreadable file is a ConfigError too, so callers handle one error type. */
export async function loadConfigFile(file: string, opts: LoadOptions): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError([{ path: '', message: `cannot read config file: ${reason}`, file }]);
  }
  return loadConfigText(text, file, opts);
}

/** Sets the value at `path` inside plain data (every step of the path exists: it came from the same data). */
function setAt(data: unknown, path: Path, value: unknown): void {
  let node = data as Record<PathSeg, unknown>;
  for (let i = 0; i < path.length - 1; i++) node = node[path[i]!] as Record<PathSeg, unknown>;
  node[path[path.length - 1]!] = value;
}
