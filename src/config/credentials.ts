import type { ConfigIssue } from './issues.ts';
import type { PluginLookup } from './plugins.ts';
import type { SourceMap } from './source.ts';
import { isRecord } from './data.ts';
import { validatePluginConfig } from './validate.ts';

/**
 * Every consumer credential against the plugin that owns its type (`consumers[i].credentials.<plugin>[j]`):
 * an unknown type, a wrong shape or a bad value is an issue at its place in the file. The file schema only
 * knows credentials are lists of objects; their shapes belong to the auth plugins.
 */
export function checkCredentials(config: unknown, lookup: PluginLookup, map: SourceMap): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  // type → unique value → the first consumer that has it (by username, for the message).
  const seen = new Map<string, Map<string, string>>();
  const consumers = isRecord(config) ? config.consumers : undefined;
  if (!Array.isArray(consumers)) return { issues, warnings };
  consumers.forEach((consumer: unknown, i) => {
    const creds = isRecord(consumer) ? consumer.credentials : undefined;
    if (!isRecord(creds)) return;
    for (const [type, list] of Object.entries(creds)) {
      const path = ['consumers', i, 'credentials', type];
      const def = lookup(type);
      const spec = def?.credentials;
      if (spec === undefined || spec === null) {
        // An auth plugin that declares no spec (a custom one, say) checks its credentials itself at create().
        if (def?.kind === 'auth' && spec === undefined) continue;
        const known = def === undefined ? 'no such plugin' : `plugin "${type}" takes no consumer credentials`;
        issues.push(map.issue(path, `unknown credential type "${type}" (${known})`, 'key'));
        continue;
      }
      if (!Array.isArray(list)) continue; // the file schema already said so
      list.forEach((item: unknown, j) => {
        const r = validatePluginConfig(spec.schema, item, [...path, j], map);
        issues.push(...r.issues);
        if (!r.ok || !isRecord(item)) return;
        const bad = spec.check?.(item as never);
        if (bad !== undefined) {
          issues.push(map.issue(bad.field === '' ? [...path, j] : [...path, j, bad.field], bad.message));
          return;
        }
        const w = spec.warn?.(item as never);
        if (w !== undefined) warnings.push(map.issue(w.field === '' ? [...path, j] : [...path, j, w.field], w.message));
        const u = spec.unique?.(item as never);
        if (u === undefined) return;
        let byValue = seen.get(type);
        if (byValue === undefined) seen.set(type, (byValue = new Map()));
        const owner = byValue.get(u.value);
        const name = isRecord(consumer) && typeof consumer.username === 'string' ? consumer.username : `#${i}`;
        if (owner === undefined) byValue.set(u.value, name);
        else issues.push(map.issue([...path, j, u.field], `the same ${u.what} is already used by consumer ${owner}`));
      });
    }
  });
  return { issues, warnings };
}
