import { definePlugin, AUTHENTICATED_BY, CREDENTIAL, authFailure } from '../../sdk/index.ts';
import type { Ctx, HookResult, AuthFailureKind } from '../../sdk/index.ts';
import type { OutgoingHttpHeaders } from 'node:http';
import { parseDuration } from '../../core/duration.ts';
import { adHocConsumer, consumerIndex, headerNames, headerSafe, resolveAnonymous } from '../auth-common/identity.ts';
import { authUnavailable } from '../auth-common/request.ts';
import { AuthService, AuthServiceUnavailable, type AuthAnswer } from './client.ts';
import { schema } from './schema.ts';

/** Headers of a refusal that the client needs (challenge, login redirect, cookies, body type). */
const RELAYED = ['www-authenticate', 'location', 'content-type', 'set-cookie', 'cache-control'];

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
    const service = new AuthService(config.url, config.request_headers, parseDuration(config.timeout), config.max_body_size);
    const copy = headerNames(config.response_headers);
    const consumers = consumerIndex(env);
    const consumerHeader = config.consumer_header?.toLowerCase();
    const failOpen = config.fail === 'open';
    const anonymous = resolveAnonymous(consumers, config.anonymous);
    const credentialHeaders = headerNames(config.request_headers);
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
      ctx.set(CREDENTIAL, 'forward-auth');
      ctx.set(AUTHENTICATED_BY, 'forward-auth');
    };

    const relay = (ctx: Ctx, a: AuthAnswer): HookResult => {
      const headers: OutgoingHttpHeaders = {};
      for (const name of RELAYED) {
        const v = a.headers[name];
        if (v !== undefined) headers[name] = v;
      }
      // A 2xx-only contract: 1xx/3xx/4xx/5xx from the auth service all mean "not allowed", as they say.
      const status = a.status >= 200 && a.status < 600 ? a.status : 502;
      // Shown no credentials, the service's refusal means "none sent": another member's refusal of
      // credentials it did get (a wrong API key) is the more useful answer, and anonymous may still apply.
      const kind: AuthFailureKind =
        status === 403 ? 'forbidden' : status >= 500 ? 'unavailable' : carriesCredentials(ctx) ? 'invalid' : 'missing';
      return authFailure(ctx, kind, `forward-auth: auth service answered ${a.status}`, ctx.reply(status, a.body, headers));
    };

    return {
      identityHeaders: copy,
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
            if (failOpen) {
              ctx.logFields.auth_error = `${reason} (fail: open)`;
              ctx.set(AUTHENTICATED_BY, 'forward-auth');
              return;
            }
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
