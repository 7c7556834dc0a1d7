import type { PluginDefinition } from '../sdk/plugin.ts';
import type { ConfigIssue, Path } from './issues.ts';
import type { SourceMap } from './source.ts';
import { isRecord, valueAt } from './data.ts';
import { validatePluginConfig } from './validate.ts';

/** How the loader finds a plugin by its `plugins:` key (the registry, or a fake in tests). */
export type PluginLookup = (name: string) => PluginDefinition | undefined;

/** Every `plugins:` map in the file: global, then per service, route and consumer. */
export function pluginMapPaths(config: unknown): Path[] {
  const out: Path[] = [['plugins']];
  if (!isRecord(config)) return out;
  for (const list of ['services', 'routes', 'consumers']) {
    const items = config[list];
    if (Array.isArray(items)) items.forEach((_, i) => out.push([list, i, 'plugins']));
  }
  return out;
}

/**
 * Check each plugin key against the lookup and each value against that plugin's schema (defaults filled in
 * place; `null` means `{}`), then collect the plugin's warnings on the configs that passed.
 */
export function checkPlugins(
  config: unknown,
  lookup: PluginLookup,
  map: SourceMap,
): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const mapPath of pluginMapPaths(config)) {
    const plugins = valueAt(config, mapPath);
    if (!isRecord(plugins)) continue; // not a map: the schema check already said so
    for (const [name, raw] of Object.entries(plugins)) {
      const path = [...mapPath, name];
      const def = lookup(name);
      if (!def) {
        issues.push(map.issue(path, `unknown plugin "${name}"`, 'key'));
        continue;
      }
      const value = raw ?? {};
      plugins[name] = value;
      let result: { ok: boolean; issues: ConfigIssue[] };
      try {
        result = validatePluginConfig(def.schema, value, path, map);
      } catch (err) {
        // A schema ajv cannot compile is the plugin author's bug; say which plugin rather than crash the load.
        issues.push(
          map.issue(path, `plugin "${name}" has an invalid schema: ${message(err)}`, 'key'),
        );
        continue;
      }
      issues.push(...result.issues);
      if (result.ok && def.warn) {
        try {
          for (const w of def.warn(value)) warnings.push(map.issue(path, w));
        } catch (err) {
          issues.push(
            map.issue(path, `plugin "${name}" failed to check its config: ${message(err)}`),
          );
        }
      }
    }
  }
  return { issues, warnings };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
