import type { TestContext } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * A Redis client for a test, or null when Redis cannot be reached: the test is then skipped with the reason
 * printed, unless CI=true, where it fails (CI must have Redis).
 */
export async function redisOrSkip(t: TestContext): Promise<Redis | null> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (err) {
    client.disconnect();
    const reason = `Redis not reachable at ${REDIS_URL}: ${err instanceof Error ? err.message : String(err)}`;
    if (process.env.CI === 'true') throw new Error(reason, { cause: err });
    t.skip(reason);
    return null;
  }
}

/** A key prefix unique to this test run. */
export function uniquePrefix(name: string): string {
  return `portico-test:${name}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
