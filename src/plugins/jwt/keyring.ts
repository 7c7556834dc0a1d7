import type { PluginEnv } from '../../sdk/index.ts';
import { readCredentials } from '../auth-common/credentials.ts';
import { consumerIndex } from '../auth-common/identity.ts';
import type { Alg } from './algorithms.ts';
import type { JwksSet } from './jwks.ts';
import { pemKey, pin, secretKey, type KeyEntry } from './keys.ts';
import { credentials } from './credentials.ts';

/** Static keys of one plugin config. */
export interface StaticKeys {
  readonly secret?: string | undefined;
  readonly public_key?: string | undefined;
  readonly key_id?: string | undefined;
}

/** Most keys tried for one token without a kid; more candidates than this is a config smell, not a need. */
const MAX_TRIES = 8;

/**
 * Every key a jwt instance may verify with, imported once at create(): the static secret/public_key,
 * consumer credentials (by kid and by issuer) and the JWKS set. Lookups are Map gets, so a `kid` full of
 * path or SQL junk is just a miss.
 */
export class KeyRing {
  readonly jwks: JwksSet | null;
  private readonly byKid = new Map<string, KeyEntry>();
  private readonly byIssuer = new Map<string, KeyEntry[]>();
  private readonly unkeyed: KeyEntry[] = [];
  /** The unkeyed entries serving each alg: a token without kid or known issuer needs no list built. */
  private readonly unkeyedByAlg = new Map<Alg, readonly KeyEntry[]>();

  constructor(config: StaticKeys, env: PluginEnv, allowed: ReadonlySet<Alg>, jwks: JwksSet | null) {
    this.jwks = jwks;
    const add = (e: KeyEntry, where: string): void => {
      if (e.kid !== undefined) {
        if (this.byKid.has(e.kid)) throw new Error(`${where}: key_id "${e.kid}" is used twice`);
        this.byKid.set(e.kid, e);
      }
      if (e.issuer !== undefined) {
        const list = this.byIssuer.get(e.issuer) ?? [];
        list.push(e);
        this.byIssuer.set(e.issuer, list);
      } else if (e.kid === undefined) this.unkeyed.push(e);
    };
    const fromStatic = (make: () => ReturnType<typeof secretKey>, field: string): void => {
      let algs: Set<Alg>;
      let key;
      try {
        key = make();
        algs = pin(key, undefined, allowed);
      } catch (err) {
        throw new Error(`${field}: ${(err as Error).message}`, { cause: err });
      }
      add({ kid: config.key_id, algs, key, consumer: null, issuer: undefined, credentialId: `jwt:${config.key_id ?? field}` }, field);
    };
    const { secret, public_key } = config;
    if (secret !== undefined) fromStatic(() => secretKey(secret), 'secret');
    if (public_key !== undefined) fromStatic(() => pemKey(public_key), 'public_key');

    const consumers = consumerIndex(env);
    for (const c of readCredentials(env, 'jwt', credentials)) {
      const { issuer, key_id, algorithm, public_key, secret } = c.credential;
      let key;
      try {
        key = secret !== undefined ? secretKey(secret) : pemKey(public_key!);
      } catch (err) {
        throw new Error(`${c.where}.public_key: ${(err as Error).message}`, { cause: err });
      }
      // A credential for an algorithm this route does not allow is simply not this route's key (another
      // jwt route with a wider allowlist may use it); only a key that cannot serve its algorithm is an error.
      let algs: Set<Alg>;
      try {
        if (algorithm !== undefined && !allowed.has(algorithm)) {
          pin(key, algorithm, new Set([algorithm])); // still refuse a key that cannot serve its algorithm
          continue;
        }
        algs = pin(key, algorithm, allowed);
      } catch (err) {
        if (algorithm === undefined && /this plugin's algorithms/.test((err as Error).message)) continue;
        throw new Error(`${c.where}.algorithm: ${(err as Error).message}`, { cause: err });
      }
      const consumer = consumers.of(c.consumer);
      add({ kid: key_id, algs, key, consumer, issuer, credentialId: `jwt:${consumer.username}:${c.index}` }, c.where);
    }
  }

  /** True when nothing can ever verify a token (no static key, no credential, no JWKS). */
  get empty(): boolean {
    return this.jwks === null && this.byKid.size === 0 && this.byIssuer.size === 0 && this.unkeyed.length === 0;
  }

  /** Whether a kid names a key we hold (static, credential or current JWKS). */
  knowsKid(kid: string): boolean {
    return this.byKid.has(kid) || (this.jwks !== null && this.jwks.get(kid) !== undefined);
  }

  /** The keys to try for a token, already filtered to those pinned to its alg. */
  candidates(kid: string | undefined, iss: unknown, alg: Alg): readonly KeyEntry[] {
    if (kid === undefined && this.jwks === null && (typeof iss !== 'string' || !this.byIssuer.has(iss))) {
      let list = this.unkeyedByAlg.get(alg);
      if (list === undefined) {
        list = this.unkeyed.filter((e) => e.algs.has(alg)).slice(0, MAX_TRIES);
        this.unkeyedByAlg.set(alg, list);
      }
      return list;
    }
    const out: KeyEntry[] = [];
    const push = (e: KeyEntry | undefined): void => {
      if (e !== undefined && e.algs.has(alg) && out.length < MAX_TRIES && !out.includes(e)) out.push(e);
    };
    if (kid !== undefined) {
      push(this.byKid.get(kid));
      push(this.jwks?.get(kid));
      if (out.length > 0) return out;
    }
    if (typeof iss === 'string') {
      // A credential pinned to a key_id only serves tokens naming that kid.
      for (const e of this.byIssuer.get(iss) ?? []) if (e.kid === undefined) push(e);
    }
    for (const e of this.unkeyed) push(e);
    if (kid === undefined && this.jwks !== null) for (const e of this.jwks.keys()) push(e);
    return out;
  }
}
