import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderMap } from '../sdk/context.ts';
import type { CidrSet } from '../core/cidr.ts';
import { connectionTokens, HOP_BY_HOP } from '../core/headers.ts';
import { isIP, type Socket } from 'node:net';
import { stripMapped } from '../core/cidr.ts';

/**
 * Headers that never go upstream besides the hop-by-hop set: `expect` (the gateway already answered
 * 100-continue itself; undici refuses it) and `host` (set per route by preserve_host).
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'expect', 'host', 'forwarded', 'x-real-ip']);
const FORWARDING = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port'];
/**
 * The forwarding headers spelled with underscores, which CGI, WSGI, PHP and Rack servers read as the same
 * header (`X_Real_IP` is X-Real-IP to them): a client could set them past the gateway's own, so they never
 * go upstream.
 */
const UNDERSCORED = new Set([...FORWARDING, 'x-real-ip'].map((h) => h.replaceAll('-', '_')));

/**
 * What the forwarding headers say about one client connection, computed once per connection (keep-alive
 * clients send many requests): the peer address, and the `Forwarded` element for the last Host seen.
 */
export class Peer {
  readonly ip: string;
  readonly scheme: string;
  readonly port: string;
  private readonly forIp: string;
  private host: string | null = null;
  private element = '';

  constructor(remoteAddress: string, scheme: string, port: number) {
    this.ip = stripMapped(remoteAddress);
    this.scheme = scheme;
    this.port = String(port);
    this.forIp = isIP(this.ip) === 6 ? `"[${this.ip}]"` : this.ip;
  }

  /** The RFC 7239 element this hop adds: `for=…;host="…";proto=…`. */
  forwardedElement(host: string): string {
    if (host !== this.host) {
      const h = host.includes('"') || host.includes('\\') ? host.replace(/["\\]/g, '') : host;
      this.element = `for=${this.forIp};host="${h}";proto=${this.scheme}`;
      this.host = host;
    }
    return this.element;
  }
}

const PEER = Symbol('portico.peer');
type PeerSocket = Socket & { [PEER]?: Peer };

/** The Peer of a client connection (made on its first request). */
export function peerOf(socket: Socket, scheme: string, port: number): Peer {
  const s = socket as PeerSocket;
  return (s[PEER] ??= new Peer(socket.remoteAddress ?? '', scheme, port));
}

/**
 * Copies the request headers for the upstream: drops hop-by-hop headers (and those named by Connection),
 * then sets X-Forwarded-*, Forwarded and X-Real-IP. From an untrusted peer those are replaced, never appended
 * to: the client's claims only count when the peer is one of `trusted_proxies`.
 * Returns the client IP as decided by the same rule.
 */
export function forwardHeaders(
  headers: IncomingHttpHeaders,
  peer: Peer,
  host: string,
  trusted: CidrSet,
  out: HeaderMap,
): string {
  const named = headers.connection === undefined ? null : connectionTokens(headers.connection);
  for (const name in headers) {
    if (NOT_FORWARDED.has(name) || name.startsWith('proxy-')) continue;
    if (name.includes('_') && UNDERSCORED.has(name.replaceAll('-', '_'))) continue;
    if (named !== null && named.includes(name)) continue;
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  const peerTrusted = trusted.size > 0 && trusted.has(peer.ip);
  let clientIp = peer.ip;
  if (!peerTrusted) {
    out['x-forwarded-for'] = peer.ip;
    out['x-forwarded-proto'] = peer.scheme;
    out['x-forwarded-host'] = host;
    out['x-forwarded-port'] = peer.port;
    out['forwarded'] = peer.forwardedElement(host);
  } else {
    const prior = joined(headers['x-forwarded-for']);
    out['x-forwarded-for'] = prior ? `${prior}, ${peer.ip}` : peer.ip;
    clientIp = rightmostUntrusted(prior, peer.ip, trusted);
    for (const name of FORWARDING) {
      if (name === 'x-forwarded-for') continue;
      const v = headers[name];
      if (v === undefined) out[name] = defaultFor(name, peer, host);
    }
    const fwd = joined(headers['forwarded']);
    const mine = peer.forwardedElement(host);
    out['forwarded'] = fwd ? `${fwd}, ${mine}` : mine;
  }
  out['x-real-ip'] = clientIp;
  return clientIp;
}

function defaultFor(name: string, peer: Peer, host: string): string {
  if (name === 'x-forwarded-proto') return peer.scheme;
  if (name === 'x-forwarded-host') return host;
  return peer.port;
}

function joined(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
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
