import type { ConfigIssue } from './issues.ts';
import type { PluginLookup } from './plugins.ts';
import type { SourceMap } from './source.ts';
import { isRecord } from './data.ts';

/**
 * Warnings about what a route's plugins do together (global, service and route scopes merged): an `acl`
 * that needs an identity on a route where no auth plugin can give one answers every request with 401.
 */
export function routeWarnings(config: unknown, lookup: PluginLookup, map: SourceMap): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isRecord(config) || !Array.isArray(config.routes)) return out;
  const names = (plugins: unknown): string[] => (isRecord(plugins) ? Object.keys(plugins) : []);
  const services = new Map<unknown, unknown>();
  if (Array.isArray(config.services)) for (const s of config.services) if (isRecord(s)) services.set(s.name, s.plugins);
  const global = names(config.plugins);
  config.routes.forEach((r: unknown, i) => {
    if (!isRecord(r) || !isRecord(r.plugins)) return;
    const acl = r.plugins.acl;
    if (!isRecord(acl) || (acl.allow === undefined && acl.scopes === undefined)) return;
    const all = [...global, ...names(services.get(r.service)), ...names(r.plugins)];
    if (all.some((n) => lookup(n)?.kind === 'auth')) return;
    out.push(map.issue(['routes', i, 'plugins', 'acl'], 'acl needs an identity but no auth plugin runs on this route: every request gets 401'));
  });
  return out;
}
