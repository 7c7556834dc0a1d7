import { createPublicKey, createSecretKey, type JsonWebKeyInput, type KeyObject } from 'node:crypto';
import type { Consumer } from '../../sdk/index.ts';
import { algorithmsForKey, isAlg, keyProblem, type Alg } from './algorithms.ts';

/** A verification key, imported once, pinned to the algorithms it may serve. */
export interface KeyEntry {
  readonly kid: string | undefined;
  readonly algs: ReadonlySet<Alg>;
  readonly key: KeyObject;
  /** Set for consumer credentials: a token this key verifies authenticates that consumer. */
  readonly consumer: Consumer | null;
  /** A consumer credential's issuer: the token's `iss` must equal it. */
  readonly issuer: string | undefined;
  /** Names the key in X-Credential-Identifier and the CREDENTIAL slot. */
  readonly credentialId: string;
}

/** An HMAC secret (UTF-8 bytes of the configured string). */
export function secretKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** A PEM public key, certificate (or private key, whose public half is used). Throws with a readable reason. */
export function pemKey(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (err) {
    throw new Error(`not a PEM public key or certificate (${(err as Error).message})`, { cause: err });
  }
}

/**
 * The algorithms `key` may serve: exactly `declared` when given (refused when the key cannot serve it), else
 * every algorithm its type allows. Empty allowlist intersections are refused too: such a key could never
 * verify anything and is almost certainly a mistake.
 */
export function pin(key: KeyObject, declared: Alg | undefined, allowed: ReadonlySet<Alg>): Set<Alg> {
  if (declared !== undefined) {
    const problem = keyProblem(key, declared);
    if (problem) throw new Error(problem);
    if (!allowed.has(declared)) throw new Error(`${declared} is not in this plugin's algorithms`);
    return new Set([declared]);
  }
  const fits = algorithmsForKey(key);
  if (fits.length === 0) throw new Error(`unsupported key type ${key.asymmetricKeyType ?? key.type}`);
  const usable = fits.filter((a) => keyProblem(key, a) === null);
  if (usable.length === 0) throw new Error(keyProblem(key, fits[0]!)!);
  const algs = usable.filter((a) => allowed.has(a));
  if (algs.length === 0) {
    throw new Error(`this key serves ${usable.join(', ')}, none of which is in this plugin's algorithms`);
  }
  return new Set(algs);
}

/** A JWK from a JWKS document, as a key entry; a string says why it was skipped. */
export function jwkEntry(jwk: unknown, allowed: ReadonlySet<Alg>): KeyEntry | string {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'not an object';
  const j = jwk as Record<string, unknown>;
  const kid = typeof j.kid === 'string' ? j.kid : undefined;
  if (j.use !== undefined && j.use !== 'sig') return `kid ${kid ?? '?'}: use is not "sig"`;
  if (j.alg !== undefined && !isAlg(j.alg)) return `kid ${kid ?? '?'}: unsupported alg ${String(j.alg)}`;
  let key: KeyObject;
  try {
    if (j.kty === 'oct') {
      if (typeof j.k !== 'string') return `kid ${kid ?? '?'}: oct key without k`;
      key = createSecretKey(Buffer.from(j.k, 'base64url'));
    } else {
      // Only the public members: a private JWK published by mistake must not become a signing key here.
      key = createPublicKey({ key: publicMembers(j), format: 'jwk' } as JsonWebKeyInput);
    }
  } catch (err) {
    return `kid ${kid ?? '?'}: ${(err as Error).message}`;
  }
  try {
    const algs = pin(key, j.alg as Alg | undefined, allowed);
    return { kid, algs, key, consumer: null, issuer: undefined, credentialId: `jwt:${kid ?? 'jwks'}` };
  } catch (err) {
    return `kid ${kid ?? '?'}: ${(err as Error).message}`;
  }
}

const PUBLIC = ['kty', 'n', 'e', 'crv', 'x', 'y'];
function publicMembers(j: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PUBLIC) if (j[k] !== undefined) out[k] = j[k];
  return out;
}
