import { definePlugin, AUTHENTICATED_BY, CREDENTIAL, GROUPS, SCOPES, authFailure, failedOpen } from '../../sdk/index.ts';
import type { Ctx, HookResult, AuthFailureKind } from '../../sdk/index.ts';
import type { OutgoingHttpHeaders } from 'node:http';
import { parseDuration } from '../../core/duration.ts';
import { connectionTokens, isHopByHop } from '../../core/headers.ts';
import { adHocConsumer, consumerIndex, headerNames, headerSafe, resolveAnonymous } from '../auth-common/identity.ts';
import { authUnavailable } from '../auth-common/request.ts';
import { ErrorCode } from '../../core/errors.ts';
import { AuthService, AuthServiceUnavailable, type AuthAnswer } from './client.ts';
import { schema } from './schema.ts';

/** Headers of a refusal not relayed to the client: node frames the relayed body itself. */
const NOT_RELAYED = new Set(['content-length', 'transfer-encoding', 'date']);

/** Whitespace- or comma-separated list in one or more header lines. */
function listOf(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  const out: string[] = [];
  for (const line of Array.isArray(v) ? v : [v]) for (const t of line.split(/[\s,]+/)) if (t !== '') out.push(t);
  return out;
}

/**
 * External authorization: every request is first shown to `url`. 2xx lets it through (copying
 * `response_headers` upstream); any other answer goes to the client as is; a failed call is 503 or, with
 * `fail: open`, a pass.
 */
export default definePlugin({
  name: 'forward-auth',
  priority: 1800,
  kind: 'auth',
  schema,
  credentials: null,
  create(config, env) {
    const service = new AuthService(config.url, config.request_headers ?? null, parseDuration(config.timeout), config.max_body_size);
    const copy = headerNames(config.response_headers);
    const consumers = consumerIndex(env);
    const consumerHeader = config.consumer_header?.toLowerCase();
    const failOpen = config.fail === 'open';
    const anonymous = resolveAnonymous(consumers, config.anonymous);
    const scopesHeader = config.scopes_header.toLowerCase();
    const groupsHeader = config.groups_header.toLowerCase();
    const credentialHeaders = headerNames(config.request_headers ?? ['Authorization', 'Cookie']);
    if (anonymous !== null && credentialHeaders.length === 0) {
      throw new Error('anonymous needs request_headers: with none, no request can be told apart as carrying no credentials');
    }
    // "No credentials" for a service we cannot see into: none of the headers it would be shown. A service
    // shown no headers decides on other grounds (address, path): its refusals always count as refusals.
    const carriesCredentials = (ctx: Ctx): boolean =>
      credentialHeaders.length === 0 || credentialHeaders.some((h) => ctx.headers[h] !== undefined);

    const pass = (ctx: Ctx, a: AuthAnswer): HookResult => {
      const h = ctx.upstreamHeaders;
      for (const name of copy) {
        const v = a.headers[name];
        if (v !== undefined) h[name] = Array.isArray(v) ? v.map(headerSafe) : headerSafe(v);
      }
      if (consumerHeader !== undefined) {
        const id = a.headers[consumerHeader];
        if (typeof id === 'string' && id !== '') ctx.consumer = consumers.match(id) ?? adHocConsumer(id);
      }
      const scopes = listOf(a.headers[scopesHeader]);
      if (scopes.length > 0) ctx.set(SCOPES, scopes);
      const groups = listOf(a.headers[groupsHeader]);
      if (groups.length > 0) ctx.set(GROUPS, groups);
      ctx.set(CREDENTIAL, 'forward-auth');
      ctx.set(AUTHENTICATED_BY, 'forward-auth');
    };

    const relay = (ctx: Ctx, a: AuthAnswer): HookResult => {
      // Not an HTTP status at all: nothing to relay, the auth service is broken (a JSON 502 like any bad gateway).
      if (a.status < 200 || a.status > 599) {
        const reason = `forward-auth: auth service answered status ${a.status}`;
        return authFailure(ctx, 'unavailable', reason, ctx.replyError(502, ErrorCode.badGateway, 'the auth service gave an invalid answer'));
      }
      // Every end-to-end header of the refusal reaches the client (Location, Set-Cookie, Retry-After, ...).
      const headers: OutgoingHttpHeaders = {};
      const named = connectionTokens(a.headers.connection);
      for (const name in a.headers) {
        const v = a.headers[name];
        if (v !== undefined && !NOT_RELAYED.has(name) && !isHopByHop(name, named)) headers[name] = v;
      }
      // A 2xx-only contract: 1xx/3xx/4xx/5xx from the auth service all mean "not allowed", as they say.
      const status = a.status;
      // RFC 9110 §15.5.2: a 401 carries a challenge; the service's own when it sent one.
      if (status === 401 && headers['www-authenticate'] === undefined) headers['www-authenticate'] = 'Bearer realm="portico"';
      // Shown no credentials, the service's refusal means "none sent": another member's refusal of
      // credentials it did get (a wrong API key) is the more useful answer, and anonymous may still apply.
      const kind: AuthFailureKind =
        status === 403 ? 'forbidden' : status >= 500 ? 'unavailable' : carriesCredentials(ctx) ? 'invalid' : 'missing';
      return authFailure(ctx, kind, `forward-auth: auth service answered ${a.status}`, ctx.reply(status, a.body, headers));
    };

    return {
      // X-Scopes / X-Roles decide acl: a client's own copies never reach the upstream either.
      identityHeaders: headerNames([...copy, scopesHeader, groupsHeader]),
      onAccess(ctx) {
        if (anonymous !== null && !carriesCredentials(ctx)) {
          ctx.consumer = anonymous;
          return;
        }
        return service.check(ctx).then(
          (a) => (a.status >= 200 && a.status < 300 ? pass(ctx, a) : relay(ctx, a)),
          (err: unknown) => {
            if (!(err instanceof AuthServiceUnavailable)) throw err;
            const reason = `forward-auth: ${err.message}`;
            if (failOpen) return failedOpen(ctx, reason, anonymous);
            return authUnavailable(ctx, reason, 'the request could not be authorized, try again later');
          },
        );
      },
      close() {
        return service.close();
      },
    };
  },
});
