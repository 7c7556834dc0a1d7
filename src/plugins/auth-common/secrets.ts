import { hash, scrypt, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a string as lower-case hex: the stored form of API keys (`key_sha256`). */
export function sha256Hex(s: string): string {
  return hash('sha256', s, 'hex');
}

/** SHA-256 of a string as base64url: a compact cache key (never the secret itself). */
export function sha256Key(s: string): string {
  return hash('sha256', s, 'base64url');
}

const LAST_TOKEN = Symbol('portico.lastTokenKey');
const MAX_REMEMBERED_TOKEN = 4096;
interface LastToken {
  token: string;
  key: string;
}
type TokenHolder = { [LAST_TOKEN]?: LastToken };

/**
 * sha256Key(token) for a token cache, remembered on `connection` for the last token keyed there: a
 * keep-alive client sends the same bearer token on every request, and hashing it is half of what a cache hit
 * costs. One entry per connection, dropped with it. The token is matched with `===`, as a cache keyed by
 * the token itself would (Envoy's jwt cache is); a match only saves the hash, and the cache the key is used
 * with stays the one that decides (expiry, eviction). Not for passwords or API keys: those get sha256Key and
 * a constant-time compare of digests.
 */
export function tokenKeyOn(connection: object | null, token: string): string {
  // Bounded memory: 10,000 idle keep-alive connections hold at most ~40 MB of remembered tokens.
  if (connection === null || token.length > MAX_REMEMBERED_TOKEN) return sha256Key(token);
  const h = connection as TokenHolder;
  const last = h[LAST_TOKEN];
  if (last !== undefined && last.token === token) return last.key;
  const key = sha256Key(token);
  if (last === undefined) h[LAST_TOKEN] = { token, key };
  else {
    last.token = token;
    last.key = key;
  }
  return key;
}

/**
 * Two strings compared in time that depends on their length only (not on where they differ): for digests
 * and MACs already in text form, so no Buffer is made per check. Different lengths are simply unequal.
 */
export function safeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Equal-length buffers compared in constant time; different lengths are simply unequal. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parsed `scrypt$N=16384,r=8,p=1$<salt b64url>$<key b64url>`. */
export interface ScryptHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/**
 * Cost of new hashes (32 MiB, tens of ms per check: slow on purpose). Stored hashes carry their own
 * parameters, so raising this later does not invalidate existing ones.
 */
export const SCRYPT_DEFAULT = { N: 32768, r: 8, p: 1 } as const;
const MAX_N = 1 << 20;

/** Parses a stored scrypt hash; returns an error message when it is malformed. */
export function parseScrypt(s: string): ScryptHash | string {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(s);
  if (!m) return 'must look like scrypt$N=32768,r=8,p=1$<salt>$<hash> (make one with `portico hash-secret`)';
  const N = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return `N must be a power of two between 2 and ${MAX_N}`;
  if (r < 1 || r > 32 || p < 1 || p > 16) return 'r must be 1..32 and p 1..16';
  const salt = Buffer.from(m[4]!, 'base64url');
  const key = Buffer.from(m[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16) return 'salt must be at least 8 bytes and hash at least 16 bytes';
  return { N, r, p, salt, key };
}

/** Derives the scrypt key for `password` with the parameters (and length) of `h`, off the main thread. */
export function scryptKey(password: string, h: Omit<ScryptHash, 'key'> & { keyLength: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      h.salt,
      h.keyLength,
      { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** True when `password` matches `h` (constant-time compare of the derived keys). */
export async function verifyScrypt(password: string, h: ScryptHash): Promise<boolean> {
  const derived = await scryptKey(password, { ...h, keyLength: h.key.length });
  return safeEqual(derived, h.key);
}

/** A new stored hash for `password`. */
export async function hashScrypt(password: string, params: { N: number; r: number; p: number } = SCRYPT_DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptKey(password, { ...params, salt, keyLength: 32 });
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}
