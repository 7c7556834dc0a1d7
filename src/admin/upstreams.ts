import type { AdminAnswer, AdminCall, AdminExtension } from './extensions.ts';
import type { Gateway } from '../runtime/gateway.ts';
import type { ServiceRuntime } from '../upstream/service.ts';

/**
 * Admin endpoints of traffic management: `GET /upstreams` (every service with its targets, health, ejections,
 * breaker state, in-flight and EWMA latency) and `GET/POST/DELETE /services/{name}/targets` to change targets
 * at runtime. Runtime changes are kept across config reloads while the service exists.
 */
const TARGETS = /^\/services\/(?<name>[^/]+)\/targets$/;
const ONE_TARGET = /^\/services\/(?<name>[^/]+)\/targets\/(?<target>[^/]+)$/;

function find(gw: Gateway, name: string | undefined): ServiceRuntime | null {
  const s = name === undefined ? undefined : gw.pools.service(decodeURIComponent(name));
  return s !== undefined && s.spec !== undefined ? s : null;
}

function notFound(name: string | undefined): AdminAnswer {
  return { status: 404, body: { error: 'not_found', message: `no service ${name ?? ''}` } };
}

function targetsOf(s: ServiceRuntime): AdminAnswer {
  return { status: 200, body: (s.snapshot() as { targets: unknown }).targets };
}

function validUrl(v: unknown): string | null {
  if (typeof v !== 'string' || !/^https?:\/\/[^\s/?#]+\/?$/.test(v)) return null;
  try {
    const u = new URL(v);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

function remove(gw: Gateway, call: AdminCall, raw: string | undefined | null): AdminAnswer {
  const s = find(gw, call.params.name);
  if (s === null) return notFound(call.params.name);
  const url = validUrl(raw ? decodeURIComponent(raw) : raw);
  const t = url === null ? undefined : s.targets.find((x) => x.label === url || x.origin === url);
  if (t === undefined) return { status: 404, body: { error: 'not_found', message: `service ${s.name} has no target ${raw ?? ''}` } };
  s.adminAdded.delete(t.label);
  if (t.source !== 'admin') s.adminRemoved.add(t.label);
  s.setSource('admin', []);
  return { status: 200, body: { removed: t.label } };
}

export const upstreamEndpoints: AdminExtension[] = [
  {
    method: 'GET',
    pattern: /^\/upstreams$/,
    handle: (gw) => ({
      status: 200,
      body: gw.pools
        .serviceList()
        .filter((s) => s.spec !== undefined)
        .map((s) => s.snapshot()),
    }),
  },
  {
    method: 'GET',
    pattern: TARGETS,
    handle: (gw, call) => {
      const s = find(gw, call.params.name);
      return s === null ? notFound(call.params.name) : targetsOf(s);
    },
  },
  {
    method: 'POST',
    pattern: TARGETS,
    handle: (gw, call) => {
      const s = find(gw, call.params.name);
      if (s === null) return notFound(call.params.name);
      const b = call.body as { url?: unknown; weight?: unknown } | undefined;
      const url = validUrl(b?.url);
      const weight = b?.weight ?? 1;
      if (url === null || typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 65535) {
        return { status: 400, body: { error: 'bad_request', message: 'body must be {"url": "http://host:port", "weight": 0..65535}' } };
      }
      s.adminRemoved.delete(url);
      s.adminAdded.set(url, weight);
      s.setSource('admin', []);
      return { status: 201, body: targetsOf(s).body };
    },
  },
  {
    method: 'DELETE',
    pattern: TARGETS,
    handle: (gw, call) => remove(gw, call, call.query.get('url')),
  },
  {
    method: 'DELETE',
    pattern: ONE_TARGET,
    handle: (gw, call) => remove(gw, call, call.params.target),
  },
];
