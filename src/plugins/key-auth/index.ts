import { definePlugin, AUTHENTICATED_BY, CREDENTIAL } from '../../sdk/index.ts';
import type { Ctx } from '../../sdk/index.ts';
import { consumerIndex, resolveAnonymous, headerNames, asAnonymous, actAsConsumer } from '../auth-common/identity.ts';
import { agreedRawHeader, unauthorized, withoutQueryParams } from '../auth-common/request.ts';
import { KeyIndex } from './keys.ts';
import { credentials, schema } from './schema.ts';

/** Longest key we hash: anything longer is junk, refused without work. */
const MAX_KEY = 4096;

/**
 * API keys from headers (default `apikey`, `X-API-Key`) or, when enabled, the query string. Keys are
 * matched by SHA-256 so a config may store only digests (`portico hash-secret`).
 */
export default definePlugin({
  name: 'key-auth',
  priority: 1250,
  kind: 'auth',
  schema,
  credentials,
  create(config, env) {
    const keys = new KeyIndex(env);
    const anonymous = resolveAnonymous(consumerIndex(env), config.anonymous);
    const names = headerNames(config.key_names);
    const queryNames = new Set(config.key_names);
    const inHeader = config.key_in_header;
    const inQuery = config.key_in_query;
    const hide = config.hide_credentials;
    const challenge = `Key realm="${config.realm.replace(/["\\]/g, '')}"`;
    const where = [inHeader ? `headers ${config.key_names.join(', ')}` : '', inQuery ? `query parameters ${config.key_names.join(', ')}` : '']
      .filter(Boolean)
      .join(' or ');

    /** The key sent, '' when none, or null when two different keys were sent. */
    function findKey(ctx: Ctx): string | null {
      let key = '';
      if (inHeader) {
        for (let i = 0; i < names.length; i++) {
          const v = ctx.headers[names[i]!];
          if (v === undefined) continue;
          // Node joins a repeated header with ", ": the same key twice is one key, two different keys are refused.
          const s = typeof v === 'string' && !v.includes(',') ? v : agreedRawHeader(ctx, names[i]!);
          if (s === null) return null;
          if (s === undefined) continue;
          if (key !== '' && key !== s) return null;
          key = s;
        }
      }
      if (inQuery && ctx.rawQuery !== '') {
        for (const name of queryNames) {
          const all = ctx.query.getAll(name);
          for (const v of all) {
            if (key !== '' && key !== v) return null;
            key = v;
          }
        }
      }
      return key;
    }

    return {
      onAccess(ctx) {
        const key = findKey(ctx);
        if (key === null) {
          return unauthorized(ctx, 'invalid', 'key-auth: more than one API key', 'send one API key', challenge);
        }
        if (key === '') {
          if (anonymous !== null) {
            asAnonymous(ctx, anonymous, challenge);
            return;
          }
          return unauthorized(ctx, 'missing', 'key-auth: no API key', `no API key found in ${where}`, challenge);
        }
        const entry = key.length > MAX_KEY ? undefined : keys.find(key);
        if (entry === undefined) {
          return unauthorized(ctx, 'invalid', 'key-auth: unknown API key', 'invalid API key', challenge);
        }
        actAsConsumer(ctx, entry.consumer);
        ctx.set(CREDENTIAL, entry.credentialId);
        ctx.set(AUTHENTICATED_BY, 'key-auth');
        if (hide) {
          const h = ctx.upstreamHeaders;
          for (let i = 0; i < names.length; i++) delete h[names[i]!];
          if (inQuery) ctx.upstreamQuery = withoutQueryParams(ctx.upstreamQuery, queryNames);
        }
      },
    };
  },
});
