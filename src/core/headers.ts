import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) that a proxy must never forward, in either direction. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const NONE: readonly string[] = Object.freeze([]);

/**
 * Names listed in a Connection header value, lower-cased. `keep-alive` and `close` (nearly every value seen)
 * name no other header and share one empty result: no split, no array per request.
 */
export function connectionTokens(value: string | string[] | undefined): readonly string[] {
  if (value === undefined) return NONE;
  if (typeof value === 'string') {
    const v = value.length === 10 || value.length === 5 ? value.toLowerCase() : '';
    if (v === 'keep-alive' || v === 'close') return NONE;
  }
  const joined = Array.isArray(value) ? value.join(',') : value;
  const out: string[] = [];
  for (const part of joined.split(',')) {
    const t = part.trim().toLowerCase();
    if (t) out.push(t);
  }
  return out;
}

/** Whether a header must be dropped when forwarding: hop-by-hop, any Proxy-*, or named by Connection. */
export function isHopByHop(name: string, named: readonly string[]): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || (named.length > 0 && named.includes(name));
}

/** A copy of `headers` without hop-by-hop headers (names are already lower-case in node and undici). */
export function stripHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (isHopByHop(name, named)) continue;
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** The first value of a header. */
export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
