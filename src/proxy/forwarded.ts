import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderMap } from '../sdk/context.ts';
import type { CidrSet } from '../core/cidr.ts';
import { connectionTokens, HOP_BY_HOP } from '../core/headers.ts';
import { isIP } from 'node:net';

/**
 * Headers that never go upstream besides the hop-by-hop set: `expect` (the gateway already answered
 * 100-continue itself; undici refuses it) and `host` (set per route by preserve_host).
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'expect', 'host', 'forwarded', 'x-real-ip']);
const FORWARDING = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port'];

export interface ForwardingFacts {
  peerIp: string;
  scheme: string;
  host: string;
  port: number;
}

/**
 * Copies the request headers for the upstream: drops hop-by-hop headers (and those named by Connection),
 * then sets X-Forwarded-*, Forwarded and X-Real-IP. From an untrusted peer those are replaced, never appended
 * to: the client's claims only count when the peer is one of `trusted_proxies`.
 * Returns the client IP as decided by the same rule.
 */
export function forwardHeaders(
  headers: IncomingHttpHeaders,
  facts: ForwardingFacts,
  trusted: CidrSet,
  out: HeaderMap,
): string {
  const named = headers.connection === undefined ? null : connectionTokens(headers.connection);
  for (const name in headers) {
    if (NOT_FORWARDED.has(name) || name.startsWith('proxy-')) continue;
    if (named !== null && named.includes(name)) continue;
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  const peerTrusted = trusted.size > 0 && trusted.has(facts.peerIp);
  let clientIp = facts.peerIp;
  if (!peerTrusted) {
    out['x-forwarded-for'] = facts.peerIp;
    out['x-forwarded-proto'] = facts.scheme;
    out['x-forwarded-host'] = facts.host;
    out['x-forwarded-port'] = String(facts.port);
    out['forwarded'] = forwardedElement(facts);
  } else {
    const prior = joined(headers['x-forwarded-for']);
    out['x-forwarded-for'] = prior ? `${prior}, ${facts.peerIp}` : facts.peerIp;
    clientIp = rightmostUntrusted(prior, facts.peerIp, trusted);
    for (const name of FORWARDING) {
      if (name === 'x-forwarded-for') continue;
      const v = headers[name];
      if (v === undefined) out[name] = defaultFor(name, facts);
    }
    const fwd = joined(headers['forwarded']);
    out['forwarded'] = fwd ? `${fwd}, ${forwardedElement(facts)}` : forwardedElement(facts);
  }
  out['x-real-ip'] = clientIp;
  return clientIp;
}

function defaultFor(name: string, f: ForwardingFacts): string {
  if (name === 'x-forwarded-proto') return f.scheme;
  if (name === 'x-forwarded-host') return f.host;
  return String(f.port);
}

function joined(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

function forwardedElement(f: ForwardingFacts): string {
  const forIp = isIP(f.peerIp) === 6 ? `"[${f.peerIp}]"` : f.peerIp;
  const host = f.host.includes('"') || f.host.includes('\\') ? f.host.replace(/["\\]/g, '') : f.host;
  return `for=${forIp};host="${host}";proto=${f.scheme}`;
}

/** Walks X-Forwarded-For from the right, skipping trusted hops; the first untrusted one is the client. */
function rightmostUntrusted(prior: string, peer: string, trusted: CidrSet): string {
  if (!prior) return peer;
  const hops = prior.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = hops[i]!.trim();
    if (isIP(ip) === 0) return peer; // junk in the chain: believe nothing further left
    if (!trusted.has(ip)) return ip;
  }
  return hops[0]!.trim();
}
