import type * as RedisStoreModule from './redis.ts';

/**
 * The Redis store, loaded on first use: it pulls in ioredis (≈ 12 MB resident with the Node internals it
 * needs), which a gateway that counts only in memory never uses.
 */
export function loadRedisStore(): Promise<typeof RedisStoreModule> {
  return import('./redis.ts');
}
