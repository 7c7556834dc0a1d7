import { definePlugin } from '../../sdk/index.ts';
import type { PluginInstance } from '../../sdk/index.ts';
import { parseDuration } from '../../core/duration.ts';
import { processMemoryStore } from '../../store/memory.ts';
import type { RedisSettings, RedisStore } from '../../store/redis.ts';
import { loadRedisStore } from '../../store/load-redis.ts';
import { schema } from './schema.ts';
import { buildSpecs, instanceId } from './specs.ts';
import { compileKey } from './keys.ts';
import { Limiter } from './limiter.ts';
import { liveLimiters, syntheticCtx } from './instances.ts';

/** How long create() waits for a first Redis connection before serving (requests then use on_store_error). */
const CONNECT_WAIT_MS = 1_000;

/** Reads the top-level `store.redis` section; url defaults to $REDIS_URL, then redis://127.0.0.1:6379. */
export function redisSettings(settings: Readonly<Record<string, unknown>>): RedisSettings {
  const store = (settings.store ?? {}) as { redis?: { url?: string; prefix?: string; timeout?: string | number } };
  const r = store.redis ?? {};
  return {
    url: r.url || process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: r.prefix ?? 'portico:',
    timeoutMs: parseDuration(r.timeout ?? '50ms'),
  };
}

/**
 * Rate limits and quotas: fixed-window, sliding-window, token-bucket and leaky-bucket (GCRA, optionally
 * delaying instead of refusing), keyed by any composition of request facts, counted in process memory or
 * in Redis (exact across processes and machines). Runs after auth (1100–1800) and acl (950).
 */
export default definePlugin({
  name: 'rate-limiting',
  priority: 910,
  schema,
  async create(config, env) {
    const specs = buildSpecs(config);
    const id = instanceId(env.scope, env.scopeName);
    const key = compileKey(config.key);
    let redis: RedisStore | null = null;
    let prefix = '';
    const store = config.store === 'redis' ? await loadRedisStore() : null;
    if (store !== null) {
      const { acquireRedis } = store;
      const s = redisSettings(env.settings);
      prefix = s.prefix;
      redis = acquireRedis(s, env.logger);
      if (!(await redis.ready(CONNECT_WAIT_MS))) {
        env.logger.warn({ store: 'redis' }, `redis not reachable yet; requests follow on_store_error: ${config.on_store_error}`);
      }
    }
    const limiter = new Limiter({
      id,
      specs,
      key,
      memory: processMemoryStore(),
      redis,
      redisPrefix: prefix,
      onStoreError: config.on_store_error,
      delay: config.delay,
      headers: !config.hide_client_headers,
      message: config.message,
      clock: env.clock,
      logger: env.logger,
    });
    const instance: PluginInstance = {
      onAccess: limiter.onAccess.bind(limiter),
      close: async () => {
        liveLimiters.delete(instance);
        if (redis && store) await store.releaseRedis(redis);
      },
    };
    liveLimiters.set(instance, {
      scope: env.scope,
      scopeName: env.scopeName,
      algorithm: config.algorithm,
      store: config.store,
      key: config.key,
      limits: config.limits.map((l, i) => ({
        limit: l.limit,
        window: l.window,
        windowMs: specs[i]!.windowMs,
        headerLimit: specs[i]!.headerLimit,
      })),
      keyFor: (values) => key(syntheticCtx(values)),
      peek: (k) => limiter.peek(k),
    });
    return instance;
  },
});
