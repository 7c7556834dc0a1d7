import { definePlugin, AUTHENTICATED_BY, CREDENTIAL } from '../../sdk/index.ts';
import type { Ctx, HookResult } from '../../sdk/index.ts';
import { parseDuration } from '../../core/duration.ts';
import { TtlCache } from '../auth-common/cache.ts';
import { consumerIndex, resolveAnonymous, asAnonymous, actAsConsumer } from '../auth-common/identity.ts';
import { afterScheme, conflictingRawHeader, headerValue, unauthorized } from '../auth-common/request.ts';
import { sha256Key } from '../auth-common/secrets.ts';
import { decodeBasic, Logins, type Login } from './logins.ts';
import { credentials, schema } from './schema.ts';

/**
 * HTTP Basic auth against scrypt hashes. scrypt is slow on purpose (and runs on libuv's thread pool, off
 * the event loop); a verified pair is remembered for `cache_ttl`, keyed by a SHA-256 of the pair.
 */
export default definePlugin({
  name: 'basic-auth',
  priority: 1100,
  kind: 'auth',
  schema,
  credentials,
  create(config, env) {
    const logins = new Logins(env);
    const anonymous = resolveAnonymous(consumerIndex(env), config.anonymous);
    const challenge = `Basic realm="${config.realm.replace(/["\\]/g, '')}", charset="UTF-8"`;
    const ttl = parseDuration(config.cache_ttl);
    const verified = new TtlCache<Login>(ttl > 0 ? 10_000 : 0);
    const clock = env.clock;
    const hide = config.hide_credentials;

    const accept = (ctx: Ctx, login: Login): HookResult => {
      actAsConsumer(ctx, login.consumer);
      ctx.set(CREDENTIAL, login.credentialId);
      ctx.set(AUTHENTICATED_BY, 'basic-auth');
      if (hide) delete ctx.upstreamHeaders.authorization;
    };
    const refuse = (ctx: Ctx, reason: string): HookResult =>
      unauthorized(ctx, 'invalid', `basic-auth: ${reason}`, 'invalid username or password', challenge);

    return {
      onAccess(ctx) {
        const header = headerValue(ctx, 'authorization');
        const b64 = header === undefined ? undefined : afterScheme(header, 'basic');
        if (b64 === undefined) {
          if (anonymous !== null) {
            asAnonymous(ctx, anonymous, challenge);
            return;
          }
          return unauthorized(ctx, 'missing', 'basic-auth: no credentials', 'authentication required', challenge);
        }
        if (conflictingRawHeader(ctx, 'authorization')) return refuse(ctx, 'two different Authorization headers');
        const basic = decodeBasic(b64);
        if (basic === null) return refuse(ctx, 'malformed Basic credentials');
        const key = ttl > 0 ? sha256Key(basic.pair) : '';
        const hit = ttl > 0 ? verified.get(key, clock.now()) : undefined;
        if (hit !== undefined) return accept(ctx, hit);
        return logins.check(basic.username, basic.password).then((login) => {
          if (login === undefined) return refuse(ctx, `wrong password or unknown user`);
          if (ttl > 0) {
            const now = clock.now();
            verified.set(key, login, now + ttl, now);
          }
          return accept(ctx, login);
        });
      },
    };
  },
});
