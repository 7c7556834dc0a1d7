import type { HeaderMap } from '../../sdk/index.ts';
import { headerSafe } from './identity.ts';
import { Memo } from './cache.ts';

// Tokens of one client carry the same few `scope` strings, so their split form is kept (frozen, shared).
const scopeCache = new Memo<readonly string[]>((v) => Object.freeze(v.split(' ').filter((s) => s !== '')), 1024, 1024);

/** Scopes granted by `scope` (space-separated, RFC 6749/7662) or `scp` (array or string, Azure/Okta style). Frozen. */
export function scopesOf(p: Readonly<Record<string, unknown>>): readonly string[] {
  const v = p.scope ?? p.scp;
  if (typeof v === 'string') return scopeCache.get(v);
  if (Array.isArray(v)) return Object.freeze(v.filter((s): s is string => typeof s === 'string'));
  return NO_SCOPES;
}
const NO_SCOPES: readonly string[] = Object.freeze([]);

/** A claim as a header value: arrays joined with spaces, objects as JSON. */
export function claimText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(' ');
  return JSON.stringify(v);
}

/** Header name/value pairs from verified claims; computed once per token and cached with it. */
export type HeaderPairs = readonly (readonly [string, string])[];

/** The default `claims_to_headers`: who the caller is and what it may do. */
export const DEFAULT_CLAIMS_TO_HEADERS: Readonly<Record<string, string>> = { sub: 'X-User-ID', scope: 'X-Scopes' };

/** `claims_to_headers` compiled: lower-case header names; `scope` falls back to `scp`. */
export class ClaimHeaders {
  readonly names: readonly string[];
  private readonly pairs: readonly (readonly [string, string])[];

  constructor(map: Readonly<Record<string, string>>) {
    this.pairs = Object.entries(map).map(([claim, header]) => [claim, header.toLowerCase()] as const);
    this.names = this.pairs.map((p) => p[1]);
  }

  /** The headers these claims produce (values made header-safe). */
  build(claims: Readonly<Record<string, unknown>>): HeaderPairs {
    const pairs = this.pairs;
    const out: (readonly [string, string])[] = new Array(pairs.length);
    let n = 0;
    for (let i = 0; i < pairs.length; i++) {
      const [claim, header] = pairs[i]!;
      const v = claimText(claim === 'scope' ? (claims.scope ?? claims.scp) : claims[claim]);
      if (v !== undefined) out[n++] = [header, headerSafe(v)];
    }
    out.length = n;
    return out;
  }
}

/** Writes cached header pairs onto the upstream request. */
export function applyHeaders(h: HeaderMap, pairs: HeaderPairs): void {
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    h[p[0]] = p[1];
  }
}
