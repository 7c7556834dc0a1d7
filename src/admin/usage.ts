import type { AdminExtension, AdminAnswer } from './extensions.ts';
import type { Gateway } from '../runtime/gateway.ts';
import { liveLimiters, type LimiterView } from '../plugins/rate-limiting/instances.ts';

const PLUGIN = 'rate-limiting';
/** Key parts the admin can fill in for a consumer; any other part has a value per request (ip, header, …). */
const ENUMERABLE = new Set(['consumer', 'route', 'service', 'global']);

interface RouteRef {
  readonly name: string;
  readonly service: string | undefined;
}

/**
 * `GET /consumers/{id}/usage`: for each rate-limiting config in force for the consumer (found by id or
 * username), its current counts and resets — per route or service when the key has those parts. Limits
 * keyed by per-request values (ip, header, claim, path_param, credential) are listed without counts.
 */
export const consumerUsage: AdminExtension = {
  method: 'GET',
  pattern: /^\/consumers\/(?<id>[^/]+)\/usage$/,
  async handle(gw: Gateway, call): Promise<AdminAnswer> {
    const id = decodeURIComponent(call.params.id ?? '');
    const table = gw.table;
    const config = table.config;
    const consumer = config.consumers.find((c) => c.id === id) ?? config.consumers.find((c) => c.username === id);
    if (!consumer) return { status: 404, body: { error: 'not_found', message: `no consumer ${id}` } };
    const views = new Map<string, LimiterView>();
    for (const inst of table.instances) {
      const v = liveLimiters.get(inst);
      if (v) views.set(`${v.scope}\n${v.scopeName ?? ''}`, v);
    }
    // Which instance serves this consumer on each route: the narrowest scope that configures the plugin.
    const applies = new Map<LimiterView, RouteRef[]>();
    const add = (v: LimiterView | undefined, r: RouteRef): void => {
      if (v) applies.set(v, [...(applies.get(v) ?? []), r]);
    };
    const own = PLUGIN in consumer.plugins ? views.get(`consumer\n${consumer.username}`) : undefined;
    const services = new Map(config.services.map((s) => [s.name, s]));
    for (const r of config.routes) {
      const ref = { name: r.name, service: r.service };
      if (own) add(own, ref);
      else if (PLUGIN in r.plugins) add(views.get(`route\n${r.name}`), ref);
      else if (r.service && PLUGIN in (services.get(r.service)?.plugins ?? {})) add(views.get(`service\n${r.service}`), ref);
      else if (PLUGIN in config.plugins) add(views.get('global\n'), ref);
    }
    const usage: unknown[] = [];
    for (const [v, routes] of applies) {
      if (!v.key.includes('consumer') && v.scope !== 'consumer') continue;
      const head = { scope: v.scope, scope_name: v.scopeName ?? null, algorithm: v.algorithm, store: v.store, key: v.key };
      const perRequest = v.key.filter((k) => !ENUMERABLE.has(k));
      if (perRequest.length > 0) {
        usage.push({ ...head, note: `keyed by ${perRequest.join(', ')}: one count per value, not listed` });
        continue;
      }
      for (const target of targets(v, routes)) {
        const k = v.keyFor({ consumer: consumer.id, route: target.route, service: target.service });
        usage.push({ ...head, ...target.show, counter: k, ...(await limits(v, k)) });
      }
    }
    return { status: 200, body: { consumer: { id: consumer.id, username: consumer.username }, usage } };
  },
};

/** One counter per route or per service when the key names them, else one for the whole scope. */
function targets(v: LimiterView, routes: RouteRef[]): { route?: string; service?: string; show: object }[] {
  if (v.key.includes('route')) {
    return routes.map((r) => ({ route: r.name, service: r.service, show: { route: r.name } }));
  }
  if (v.key.includes('service')) {
    const names = [...new Set(routes.map((r) => r.service))];
    return names.map((s) => ({ service: s, show: { service: s ?? null } }));
  }
  return [{ show: {} }];
}

async function limits(v: LimiterView, key: string): Promise<object> {
  try {
    const figures = await v.peek(key);
    const now = Date.now();
    return {
      limits: v.limits.map((l, i) => {
        const f = figures[i]!;
        const reset = Math.ceil(f.resetMs / 1000);
        return {
          limit: l.headerLimit,
          window: l.window,
          used: Math.max(0, l.headerLimit - f.remaining),
          remaining: Math.max(0, f.remaining),
          reset,
          // To the nearest second: a fixed window's boundary exactly, without the ms between the store's
          // clock reading and this one.
          reset_at: new Date(Math.round((now + f.resetMs) / 1000) * 1000).toISOString(),
        };
      }),
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
