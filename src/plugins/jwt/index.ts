import { definePlugin, AUTHENTICATED_BY, CLAIMS, CREDENTIAL, SCOPES } from '../../sdk/index.ts';
import type { Consumer, Ctx, HookResult } from '../../sdk/index.ts';
import { parseDuration, type Duration } from '../../core/duration.ts';
import { parseSize } from '../../core/size.ts';
import { TtlCache } from '../auth-common/cache.ts';
import { applyHeaders, ClaimHeaders, scopesOf, type HeaderPairs } from '../auth-common/claims.ts';
import { adHocConsumer, consumerIndex, resolveAnonymous, asAnonymous } from '../auth-common/identity.ts';
import { authUnavailable, bearerChallenge, unauthorized } from '../auth-common/request.ts';
import { tokenKeyOn } from '../auth-common/secrets.ts';
import { isAlg, verifySignature, type Alg } from './algorithms.ts';
import { findToken, hideToken, type TokenSources } from './extract.ts';
import { acquireJwks } from './jwks.ts';
import { KeyRing } from './keyring.ts';
import type { KeyEntry } from './keys.ts';
import { credentials } from './credentials.ts';
import { schema } from './schema.ts';
import { checkClaims, parseJwt, type ClaimRules, type ParsedJwt } from './token.ts';
import { jwtWarnings } from './warnings.ts';

/** A verified token, remembered (by SHA-256 of the token) until its exp so a repeat costs a lookup. */
interface Verified {
  readonly consumer: Consumer | null;
  readonly credentialId: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: readonly string[];
  readonly headers: HeaderPairs;
  /** JWKS version it was verified against: a changed set re-verifies (a removed key stops working). */
  readonly version: number;
}

/**
 * A claim-time setting in seconds. Unlike the gateway's other durations (bare numbers are milliseconds, as in
 * Kong's timeouts), a bare `clock_skew: 30` or `max_age: 3600` is seconds: JWT times are seconds, and so are
 * these settings in Kong, Envoy and the JWT libraries.
 */
function claimSeconds(d: Duration): number {
  return typeof d === 'number' ? d : parseDuration(d) / 1000;
}

/** Tokens without exp are remembered at most this long. */
const MAX_CACHE_MS = 5 * 60_000;

/**
 * JWT (JWS compact) bearer tokens. Keys are imported once and pinned to their algorithm family; the hot path
 * is a cache lookup by token hash, or on a miss one node:crypto verification against a pre-imported key.
 */
export default definePlugin({
  name: 'jwt',
  priority: 1450,
  kind: 'auth',
  schema,
  credentials,
  create(config, env) {
    const allowed = new Set<Alg>(config.algorithms);
    const jwksHandle = config.jwks_uri
      ? acquireJwks(
          {
            uri: config.jwks_uri,
            minRefreshMs: parseDuration(config.jwks_min_refresh),
            cacheTtlMs: parseDuration(config.jwks_cache_ttl),
            timeoutMs: parseDuration(config.jwks_timeout),
            algorithms: allowed,
          },
          env.clock,
          env.logger,
        )
      : null;
    const jwks = jwksHandle?.set ?? null;
    let ring: KeyRing;
    try {
      ring = new KeyRing(config, env, allowed, jwks);
    } catch (err) {
      jwksHandle?.release();
      throw err;
    }
    if (ring.empty) throw new Error('no keys: set secret, public_key or jwks_uri, or give consumers jwt credentials');

    const consumers = consumerIndex(env);
    const anonymous = resolveAnonymous(consumers, config.anonymous);
    const issuers = config.issuer === undefined ? null : new Set(typeof config.issuer === 'string' ? [config.issuer] : config.issuer);
    const rules: ClaimRules = {
      issuers,
      audiences: config.audiences ? new Set(config.audiences) : null,
      required: config.required_claims,
      skew: claimSeconds(config.clock_skew),
      maxAge: config.max_age === undefined ? null : claimSeconds(config.max_age),
    };
    const sources: TokenSources = {
      headers: config.header_names.map((h) => h.toLowerCase()),
      cookies: config.cookie_names,
      params: config.uri_param_names,
    };
    const cookieSet = new Set(config.cookie_names);
    const paramSet = new Set(config.uri_param_names);
    const claimHeaders = new ClaimHeaders(config.claims_to_headers);
    const consumerClaim = config.consumer_claim;
    const maxSize = parseSize(config.max_token_size);
    const cache = new TtlCache<Verified>(config.cache_size);
    const useCache = config.cache_size > 0;
    const hide = config.hide_credentials;
    const clock = env.clock;
    const realm = config.realm;
    const missingChallenge = bearerChallenge(realm, 'missing');

    const invalid = (ctx: Ctx, reason: string): HookResult =>
      unauthorized(ctx, 'invalid', `jwt: ${reason}`, `invalid token: ${reason}`, bearerChallenge(realm, 'invalid', reason));

    const accept = (ctx: Ctx, v: Verified): HookResult => {
      ctx.consumer = v.consumer;
      ctx.set(CREDENTIAL, v.credentialId);
      ctx.set(CLAIMS, v.claims);
      ctx.set(SCOPES, v.scopes);
      ctx.set(AUTHENTICATED_BY, 'jwt');
      applyHeaders(ctx.upstreamHeaders, v.headers);
      if (hide) hideToken(ctx, sources, cookieSet, paramSet);
    };

    const identify = (key: KeyEntry, claims: Record<string, unknown>): Consumer | null => {
      if (key.consumer !== null) return key.consumer;
      const v = claims[consumerClaim];
      if (typeof v !== 'string' || v === '') return null;
      return consumers.match(v) ?? adHocConsumer(v);
    };

    /** Signature and claims against the candidate keys; caches and accepts on success. */
    const finish = (ctx: Ctx, p: ParsedJwt, alg: Alg, cacheKey: string): HookResult => {
      const cands = ring.candidates(p.kid, p.payload.iss, alg);
      if (cands.length === 0) {
        if (p.kid !== undefined && ring.knowsKid(p.kid)) return invalid(ctx, `the key with this kid does not serve ${alg}`);
        // No key could be judged because the JWKS never loaded: the gateway's problem, not the token's.
        if (jwks !== null && !jwks.ready) {
          return authUnavailable(ctx, 'jwt: the JWKS endpoint could not be fetched', 'the token could not be checked, try again later');
        }
        return invalid(ctx, p.kid === undefined ? 'no key for this token' : 'unknown kid');
      }
      let key: KeyEntry | undefined;
      for (const e of cands) {
        if (verifySignature(alg, e.key, p.signingInput, p.signature)) {
          key = e;
          break;
        }
      }
      if (key === undefined) return invalid(ctx, 'bad signature');
      const claims = p.payload;
      if (key.issuer !== undefined && claims.iss !== key.issuer) return invalid(ctx, 'wrong issuer');
      const now = clock.now();
      const reason = checkClaims(claims, rules, now / 1000);
      if (reason !== null) return invalid(ctx, reason);
      const v: Verified = {
        consumer: identify(key, claims),
        credentialId: key.credentialId,
        claims: Object.freeze(claims),
        scopes: scopesOf(claims),
        headers: claimHeaders.build(claims),
        version: jwks?.version ?? 0,
      };
      if (useCache) {
        let until = now + MAX_CACHE_MS;
        if (typeof claims.exp === 'number') until = Math.min(until, claims.exp * 1000);
        if (rules.maxAge !== null && typeof claims.iat === 'number') until = Math.min(until, (claims.iat + rules.maxAge) * 1000);
        cache.set(cacheKey, v, until, now);
      }
      return accept(ctx, v);
    };

    const verify = (ctx: Ctx, token: string, cacheKey: string): HookResult | Promise<HookResult> => {
      const p = parseJwt(token);
      if (typeof p === 'string') return invalid(ctx, p);
      const alg = p.alg;
      if (!isAlg(alg) || !allowed.has(alg)) return invalid(ctx, `algorithm ${alg.slice(0, 16)} not allowed`);
      if (jwks !== null) {
        if (p.kid !== undefined && !ring.knowsKid(p.kid)) {
          const refetch = jwks.refetchForUnknownKid();
          if (refetch !== null) return refetch.then(() => finish(ctx, p, alg, cacheKey));
        }
      }
      return finish(ctx, p, alg, cacheKey);
    };

    /** A verified token from the cache (if its key set is unchanged), else a verification. */
    const judge = (ctx: Ctx, token: string, cacheKey: string): HookResult | Promise<HookResult> => {
      if (useCache) {
        const hit = cache.get(cacheKey, clock.now());
        if (hit !== undefined && hit.version === (jwks?.version ?? 0)) return accept(ctx, hit);
      }
      return verify(ctx, token, cacheKey);
    };

    return {
      identityHeaders: claimHeaders.names,
      onAccess(ctx) {
        const token = findToken(ctx, sources);
        if (token === null) return invalid(ctx, 'more than one token');
        if (token === '') {
          if (anonymous !== null) {
            asAnonymous(ctx, anonymous, missingChallenge);
            return;
          }
          return unauthorized(ctx, 'missing', 'jwt: no token', 'a bearer token is required', missingChallenge);
        }
        if (token.length > maxSize) return invalid(ctx, 'token too large');
        const cacheKey = useCache ? tokenKeyOn(ctx.raw.socket ?? null, token) : '';
        if (jwks !== null) {
          // The first fetch, or a refetch of a set past its TTL: judged against the keys it brings.
          const wait = jwks.waitFirst() ?? jwks.tick();
          if (wait !== null) return wait.then(() => judge(ctx, token, cacheKey));
        }
        return judge(ctx, token, cacheKey);
      },
      close() {
        jwksHandle?.release();
      },
    };
  },
  warn: jwtWarnings,
});
