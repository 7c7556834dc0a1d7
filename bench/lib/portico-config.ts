/** Generates the Portico YAML config for a portico scenario. */
import { stringify } from 'yaml';
import type { PorticoTarget } from '../scenarios.ts';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge recursively, arrays are appended, everything else replaces. Returns a new object. */
export function merge(base: Obj, extra: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    if (isObj(b) && isObj(v)) out[k] = merge(b, v);
    else if (Array.isArray(b) && Array.isArray(v)) out[k] = [...b, ...v];
    else out[k] = v;
  }
  return out;
}

export async function porticoConfig(t: PorticoTarget, port: number, upstreamOrigin: string): Promise<Obj> {
  if (!Number.isInteger(t.routes) || t.routes < 1) throw new Error(`routes must be an integer ≥ 1, got ${t.routes}`);
  const filler = t.fillerRoute ?? ((i: number) => ({ name: `r${i}`, paths: [`/r${i}`], service: 'up' }));
  const routes: Obj[] = [];
  for (let i = 0; i < t.routes - 1; i++) routes.push(filler(i));
  routes.push(merge({ name: 'bench', paths: ['/bench'], service: 'up' }, t.benchRoute ?? {}));
  const base: Obj = {
    listen: [{ address: `127.0.0.1:${port}` }],
    admin: { listen: 'off' },
    log: { level: 'warn', access: 'off' },
    services: [merge(serviceBase(t, upstreamOrigin), t.service ?? {})],
    routes,
  };
  const extra = typeof t.config === 'function' ? await t.config() : t.config;
  return extra ? merge(base, extra) : base;
}

/** One target (`url`), or `targets` of them on the same upstream told apart by a path prefix. */
function serviceBase(t: PorticoTarget, origin: string): Obj {
  if (!t.targets || t.targets <= 1) return { name: 'up', url: origin };
  return { name: 'up', targets: Array.from({ length: t.targets }, (_, i) => ({ url: `${origin}/t${i}`, weight: 1 })) };
}

export function toYaml(config: Obj): string {
  // Quote every string value: no YAML 1.1 surprises (`off`, `no`, `1e3`) whatever parser options Portico uses.
  return stringify(config, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}
