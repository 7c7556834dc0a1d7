import { createHash } from 'node:crypto';
import { CLAIMS, CREDENTIAL, type Ctx } from '../../sdk/index.ts';

/** Reads one key part's value from a request; undefined when the request has none. */
type Part = (ctx: Ctx) => string | undefined;

/** Turns a request into its counting key, e.g. `consumer=alice|route=orders`. */
export type KeyFn = (ctx: Ctx) => string;

/**
 * Values a client controls (headers, claims, path params, credentials) are escaped so no value can forge
 * another key's separators, and very long ones are hashed so a huge header cannot make a huge key.
 */
export function clean(v: string): string {
  if (v.length > 128) return 'h~' + createHash('sha256').update(v).digest('base64url');
  if (v.includes('|') || v.includes('%') || v.includes('=')) return encodeURIComponent(v);
  return v;
}

function claimPart(name: string): Part {
  const path = name.split('.');
  return (ctx) => {
    const claims = ctx.get(CLAIMS);
    if (claims === undefined) return undefined;
    // A claim literally named with dots (namespaced claims) wins over a nested path.
    let v: unknown = claims[name];
    if (v === undefined && path.length > 1) {
      v = claims;
      for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
    }
    if (typeof v === 'string') return v === '' ? undefined : clean(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  };
}

function part(spec: string): Part {
  switch (spec) {
    case 'ip':
      return (ctx) => ctx.clientIp;
    case 'consumer':
      return (ctx) => (ctx.consumer === null ? undefined : clean(ctx.consumer.id));
    case 'credential':
      return (ctx) => {
        const c = ctx.get(CREDENTIAL);
        return c === undefined || c === '' ? undefined : clean(c);
      };
    case 'route':
      return (ctx) => ctx.route?.name;
    case 'service':
      return (ctx) => ctx.route?.service;
    case 'global':
      return () => '';
  }
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const name = spec.slice(colon + 1);
  if (kind === 'header') {
    const h = name.toLowerCase();
    return (ctx) => {
      const v = ctx.headers[h];
      const s = Array.isArray(v) ? v[0] : v;
      return s === undefined || s === '' ? undefined : clean(s);
    };
  }
  if (kind === 'claim') return claimPart(name);
  if (kind === 'path_param') {
    return (ctx) => {
      const v = ctx.params[name];
      return v === undefined || v === '' ? undefined : clean(v);
    };
  }
  throw new Error(`unknown key part "${spec}"`);
}

/** The label a part carries in the key (header names lower-cased so `X-Tenant` and `x-tenant` agree). */
function label(spec: string): string {
  return spec.startsWith('header:') ? spec.toLowerCase() : spec;
}

/**
 * Compiles `key` parts into one function, once per plugin instance. Each part renders as `label=value`; a
 * part without a value renders as `ip=<client ip>` instead — the documented fallback to the client IP. Parts
 * sit at fixed positions and values cannot contain `|` or `=`, so a fallback never equals a real value.
 */
export function compileKey(parts: readonly string[]): KeyFn {
  const fns = parts.map(part);
  const heads = parts.map((p, i) => (i === 0 ? '' : '|') + label(p) + '=');
  const falls = parts.map((_, i) => (i === 0 ? '' : '|') + 'ip=');
  if (fns.length === 1) {
    const f = fns[0]!;
    const head = heads[0]!;
    return (ctx) => {
      const v = f(ctx);
      return v === undefined ? 'ip=' + ctx.clientIp : head + v;
    };
  }
  return (ctx) => {
    let key = '';
    for (let i = 0; i < fns.length; i++) {
      const v = fns[i]!(ctx);
      key += v === undefined ? falls[i]! + ctx.clientIp : heads[i]! + v;
    }
    return key;
  };
}
