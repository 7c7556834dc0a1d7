import { Memo } from '../auth-common/cache.ts';

/** A compact JWS split and decoded, not yet verified. */
export interface ParsedJwt {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly payload: Record<string, unknown>;
  /** `header.payload`: the bytes the signature covers. */
  readonly signingInput: string;
  /** The signature segment, still base64url (HMAC checks compare it as text; others decode it). */
  readonly signature: string;
}

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

interface JoseHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

// Tokens of one issuer share their header segment (`{"alg":…,"kid":…,"typ":"JWT"}`), so its decoded and
// checked form is kept: a repeated segment costs a map lookup instead of base64 + JSON.parse + checks.
const headerCache = new Memo<JoseHeader | string>(checkHeader, 256, 512);

// The last header segment seen, checked with startsWith before any slice or map lookup: one issuer's tokens
// nearly always repeat it.
let lastSegment = '';
let lastHeader: JoseHeader | string = '';

/** The decoded header of `token`, whose first `.` is at `d1`. */
function headerOf(token: string, d1: number): JoseHeader | string {
  if (d1 === lastSegment.length && d1 > 0 && token.startsWith(lastSegment)) return lastHeader;
  const segment = token.slice(0, d1);
  const h = headerCache.get(segment);
  lastSegment = segment;
  lastHeader = h;
  return h;
}

function checkHeader(segment: string): JoseHeader | string {
  const header = decodeJson(segment);
  if (header === null) return 'malformed token header';
  const alg = header.alg;
  if (typeof alg !== 'string') return 'token header has no alg';
  if (alg.toLowerCase() === 'none') return 'alg none is never accepted';
  // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid (e.g. b64: false).
  if (header.crit !== undefined || header.b64 !== undefined) return 'unsupported critical header';
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') return 'kid is not a string';
  return { alg, kid };
}

/** Parses a compact JWS; a string is the reason it is malformed (for the access log). */
export function parseJwt(token: string): ParsedJwt | string {
  if (!COMPACT.test(token)) return 'malformed token';
  const d1 = token.indexOf('.');
  const d2 = token.indexOf('.', d1 + 1);
  const header = headerOf(token, d1);
  if (typeof header === 'string') return header;
  const payload = decodeJson(token.slice(d1 + 1, d2));
  if (payload === null) return 'malformed token payload';
  return {
    alg: header.alg,
    kid: header.kid,
    payload,
    signingInput: token.slice(0, d2),
    signature: token.slice(d2 + 1),
  };
}

// Decoded segment bytes, reused by every call (used synchronously): no Buffer per token.
let scratch = Buffer.allocUnsafe(2048);

function decodeJson(part: string): Record<string, unknown> | null {
  const need = Math.ceil((part.length * 3) / 4);
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  const n = scratch.write(part, 0, 'base64url');
  try {
    const v: unknown = JSON.parse(scratch.toString('utf8', 0, n));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Claim checks, decided once per plugin instance. Times in seconds. */
export interface ClaimRules {
  readonly issuers: ReadonlySet<string> | null;
  readonly audiences: ReadonlySet<string> | null;
  readonly required: readonly string[];
  readonly skew: number;
  readonly maxAge: number | null;
}

/** Why the claims are not acceptable at `now` (seconds), or null when they are. */
export function checkClaims(p: Record<string, unknown>, rules: ClaimRules, now: number): string | null {
  const { exp, nbf, iat } = p;
  if (exp !== undefined && typeof exp !== 'number') return 'exp is not a number';
  if (nbf !== undefined && typeof nbf !== 'number') return 'nbf is not a number';
  if (iat !== undefined && typeof iat !== 'number') return 'iat is not a number';
  if (exp !== undefined && now - rules.skew >= exp) return 'token expired';
  if (nbf !== undefined && now + rules.skew < nbf) return 'token not yet valid';
  if (iat !== undefined && iat > now + rules.skew) return 'token issued in the future';
  if (rules.maxAge !== null) {
    if (typeof iat !== 'number') return 'token has no iat (max_age needs it)';
    if (now - rules.skew > iat + rules.maxAge) return 'token too old (max_age)';
  }
  if (rules.issuers !== null && !(typeof p.iss === 'string' && rules.issuers.has(p.iss))) return 'wrong issuer';
  if (rules.audiences !== null && !audienceMatches(p.aud, rules.audiences)) return 'wrong audience';
  for (const c of rules.required) if (p[c] === undefined || p[c] === null) return `missing claim ${c}`;
  return null;
}

function audienceMatches(aud: unknown, allowed: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return allowed.has(aud);
  if (Array.isArray(aud)) return aud.some((a) => typeof a === 'string' && allowed.has(a));
  return false;
}
