import { definePlugin, AUTHENTICATED_BY, CLAIMS, CREDENTIAL, SCOPES, failedOpen } from '../../sdk/index.ts';
import type { Consumer, Ctx, HookResult } from '../../sdk/index.ts';
import { parseDuration } from '../../core/duration.ts';
import { TtlCache } from '../auth-common/cache.ts';
import { applyHeaders, ClaimHeaders, scopesOf, type HeaderPairs } from '../auth-common/claims.ts';
import { adHocConsumer, consumerIndex, resolveAnonymous } from '../auth-common/identity.ts';
import { afterScheme, authUnavailable, bearerChallenge, conflictingRawHeader, headerValue, unauthorized } from '../auth-common/request.ts';
import { tokenKeyOn } from '../auth-common/secrets.ts';
import { Introspector, IntrospectionUnavailable } from './client.ts';
import { schema } from './schema.ts';
import { introspectionWarnings } from './warnings.ts';

/** An introspection answer as the request needs it; `null` identity fields for inactive tokens. */
interface Answer {
  readonly active: boolean;
  readonly consumer: Consumer | null;
  readonly credentialId: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: readonly string[];
  readonly headers: HeaderPairs;
}

const MAX_TOKEN = 8192;

/**
 * Opaque bearer tokens checked with the authorization server (RFC 7662). Only `active: true` passes.
 * Answers are cached by token hash up to min(cache_ttl, exp); concurrent requests with the same token share
 * one call.
 */
export default definePlugin({
  name: 'oauth2-introspection',
  priority: 1700,
  kind: 'auth',
  schema,
  credentials: null,
  create(config, env) {
    const client = new Introspector(
      config.introspection_url,
      config.client_id,
      config.client_secret,
      config.token_type_hint,
      parseDuration(config.timeout),
    );
    const consumers = consumerIndex(env);
    const anonymous = resolveAnonymous(consumers, config.anonymous);
    const ttl = parseDuration(config.cache_ttl);
    const cache = new TtlCache<Answer>(ttl > 0 ? 10_000 : 0);
    const inflight = new Map<string, Promise<Answer>>();
    const claimHeaders = new ClaimHeaders(config.claims_to_headers);
    const consumerClaim = config.consumer_claim;
    const failOpen = config.fail === 'open';
    const hide = config.hide_credentials;
    const clock = env.clock;
    const realm = config.realm;
    const missingChallenge = bearerChallenge(realm, 'missing');

    const missing = (ctx: Ctx, reason: string): HookResult => {
      if (anonymous !== null) {
        ctx.consumer = anonymous;
        ctx.logFields.auth_error = reason;
        return;
      }
      return unauthorized(ctx, 'missing', reason, 'a bearer token is required', missingChallenge);
    };
    const invalid = (ctx: Ctx, reason: string): HookResult =>
      unauthorized(ctx, 'invalid', `oauth2-introspection: ${reason}`, `invalid token: ${reason}`, bearerChallenge(realm, 'invalid', reason));

    const toAnswer = (doc: Record<string, unknown>, now: number): Answer => {
      const exp = doc.exp;
      const active = doc.active === true && (typeof exp !== 'number' || exp * 1000 > now);
      if (!active) return { active: false, consumer: null, credentialId: '', claims: {}, scopes: [], headers: [] };
      const id = doc[consumerClaim] ?? doc.client_id;
      const consumer = typeof id === 'string' && id !== '' ? (consumers.match(id) ?? adHocConsumer(id)) : null;
      const client = typeof doc.client_id === 'string' ? doc.client_id : 'unknown';
      return {
        active: true,
        consumer,
        credentialId: `oauth2:${client}`,
        claims: Object.freeze(doc),
        scopes: scopesOf(doc),
        headers: claimHeaders.build(doc),
      };
    };

    const ask = (key: string, token: string): Promise<Answer> => {
      let p = inflight.get(key);
      if (p) return p;
      p = client.introspect(token).then((doc) => {
        const now = clock.now();
        const answer = toAnswer(doc, now);
        if (ttl > 0) {
          let until = now + ttl;
          if (answer.active && typeof doc.exp === 'number') until = Math.min(until, doc.exp * 1000);
          cache.set(key, answer, until, now);
        }
        return answer;
      });
      const done = (): void => {
        inflight.delete(key);
      };
      p.then(done, done);
      inflight.set(key, p);
      return p;
    };

    const decide = (ctx: Ctx, a: Answer): HookResult => {
      if (!a.active) return invalid(ctx, 'token is not active');
      ctx.consumer = a.consumer;
      ctx.set(CREDENTIAL, a.credentialId);
      ctx.set(CLAIMS, a.claims);
      ctx.set(SCOPES, a.scopes);
      ctx.set(AUTHENTICATED_BY, 'oauth2-introspection');
      applyHeaders(ctx.upstreamHeaders, a.headers);
      if (hide) delete ctx.upstreamHeaders.authorization;
    };

    return {
      identityHeaders: claimHeaders.names,
      onAccess(ctx) {
        const header = headerValue(ctx, 'authorization');
        const token = header === undefined ? undefined : afterScheme(header, 'bearer');
        if (token === undefined || token === '') return missing(ctx, 'oauth2-introspection: no token');
        if (conflictingRawHeader(ctx, 'authorization')) return invalid(ctx, 'two different Authorization headers');
        if (token.length > MAX_TOKEN) return invalid(ctx, 'token too large');
        const key = tokenKeyOn(ctx.raw.socket ?? null, token);
        const hit = cache.get(key, clock.now());
        if (hit !== undefined) return decide(ctx, hit);
        return ask(key, token).then(
          (a) => decide(ctx, a),
          (err: unknown) => {
            if (!(err instanceof IntrospectionUnavailable)) throw err;
            const reason = `oauth2-introspection: ${err.message}`;
            if (failOpen && err.outage) return failedOpen(ctx, reason, anonymous);
            return authUnavailable(ctx, reason, 'the token could not be checked, try again later');
          },
        );
      },
      close() {
        return client.close();
      },
    };
  },
  warn: introspectionWarnings,
});
