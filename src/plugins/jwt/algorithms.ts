import { verify as cryptoVerify, constants, type KeyObject } from 'node:crypto';
import { hmacMatches, type HmacHash } from './hmac.ts';

/**
 * Every JWS algorithm the jwt plugin verifies. `none` is never among them. `Ed25519` and `Ed448` are the
 * fully-specified names of EdDSA on each curve (RFC 9864; jose signs with them too).
 */
export const ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519', 'Ed448',
] as const;
export type Alg = (typeof ALGORITHMS)[number];

const ALG_SET: ReadonlySet<string> = new Set(ALGORITHMS);
export function isAlg(s: unknown): s is Alg {
  return typeof s === 'string' && ALG_SET.has(s);
}

const HASH: Record<Alg, string | null> = {
  HS256: 'sha256', HS384: 'sha384', HS512: 'sha512',
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512',
  PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512',
  EdDSA: null, Ed25519: null, Ed448: null,
};
const CURVE: Partial<Record<Alg, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
// ECDSA signatures in JWS are r||s, each the size of the curve's field.
const ES_SIG_LENGTH: Partial<Record<Alg, number>> = { ES256: 64, ES384: 96, ES512: 132 };
/** RFC 7518 §3.2: an HMAC key at least as long as the hash. Shorter secrets work but are warned about. */
export const MIN_HMAC_BYTES: Readonly<Record<'HS256' | 'HS384' | 'HS512', number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * The algorithms a key can serve, from its type alone: a secret only HS*, an RSA key only RS and PS, an EC
 * key only the ES of its curve, an Ed25519/Ed448 key only EdDSA (or its curve's own name). This is the pin that stops key confusion
 * (an RSA public key used as an HMAC secret) whatever the token's header says.
 */
export function algorithmsForKey(key: KeyObject): Alg[] {
  if (key.type === 'secret') return ['HS256', 'HS384', 'HS512'];
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') {
    return t === 'rsa' ? ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] : ['PS256', 'PS384', 'PS512'];
  }
  if (t === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return ALGORITHMS.filter((a) => CURVE[a] !== undefined && CURVE[a] === curve);
  }
  if (t === 'ed25519') return ['EdDSA', 'Ed25519'];
  if (t === 'ed448') return ['EdDSA', 'Ed448'];
  return [];
}

/** Why a key cannot serve `alg`, or null when it can. */
export function keyProblem(key: KeyObject, alg: Alg): string | null {
  if (!algorithmsForKey(key).includes(alg)) {
    const what = key.type === 'secret' ? 'a secret' : `a ${key.asymmetricKeyType ?? 'unknown'} key`;
    return `${alg} cannot be used with ${what}`;
  }
  const rsaBits = key.asymmetricKeyDetails?.modulusLength;
  if (rsaBits !== undefined && rsaBits < 2048) return `RSA keys must be at least 2048 bits (this one has ${rsaBits})`;
  return null;
}

/**
 * Checks a JWS signature (`sig`: the token's base64url segment) with node:crypto (no jose on the hot path).
 * `key` must already be pinned to `alg`; `input` is the token's ASCII signing input.
 */
export function verifySignature(alg: Alg, key: KeyObject, input: string, sig: string): boolean {
  const hash = HASH[alg];
  if (alg.charCodeAt(0) === 72 /* H */) return hmacMatches(key, hash as HmacHash, input, sig);
  return verifyAsymmetric(alg, hash, key, input, Buffer.from(sig, 'base64url'));
}

function verifyAsymmetric(alg: Alg, hash: string | null, key: KeyObject, input: string, sig: Buffer): boolean {
  switch (alg.charCodeAt(0)) {
    case 82 /* R */:
      return cryptoVerify(hash, Buffer.from(input), key, sig);
    case 80 /* P */:
      return cryptoVerify(
        hash,
        Buffer.from(input),
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        sig,
      );
    case 69 /* E */:
      if (alg === 'EdDSA' || alg === 'Ed25519' || alg === 'Ed448') return cryptoVerify(null, Buffer.from(input), key, sig);
      if (sig.length !== ES_SIG_LENGTH[alg]) return false;
      return cryptoVerify(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, sig);
    default:
      return false;
  }
}
