import type { Ctx } from '../sdk/context.ts';

/** 32-bit FNV-1a with a murmur3 finalizer (so nearby keys spread over the whole range). */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Reads the balancing key of a request; undefined when the request does not carry it. */
export type KeyOf = (ctx: Ctx) => string | undefined;

/**
 * Compiles `hash_on` (ip | header:NAME | cookie:NAME | consumer | path) into a key reader, once per config.
 * A request without the key (no such header, anonymous) falls back to its client IP.
 */
export function compileKey(spec: string): KeyOf {
  const fallback: KeyOf = (ctx) => ctx.clientIp;
  if (spec === 'ip') return fallback;
  if (spec === 'path') return (ctx) => ctx.path;
  if (spec === 'consumer') return (ctx) => ctx.consumer?.id ?? ctx.clientIp;
  if (spec.startsWith('header:')) {
    const name = spec.slice(7).toLowerCase();
    return (ctx) => {
      const v = ctx.headers[name];
      if (v === undefined) return ctx.clientIp;
      return typeof v === 'string' ? v : (v[0] ?? ctx.clientIp);
    };
  }
  if (spec.startsWith('cookie:')) {
    const name = spec.slice(7);
    return (ctx) => ctx.cookies[name] ?? ctx.clientIp;
  }
  throw new Error(`invalid hash_on "${spec}"`);
}
