import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStore } from './redis.ts';
import { REDIS_URL, redisOrSkip, uniquePrefix, deleteKeys } from '../../test/helpers/redis.ts';

/**
 * A TCP proxy to Redis that can stall: existing connections stop forwarding (no reset, no close), as when
 * a host disappears; connections opened afterwards work.
 */
async function stallingProxy(target: URL): Promise<{ url: string; stall(): void; close(): Promise<void> }> {
  const stalled = new Set<Socket>();
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    const pair = [client, upstream];
    for (const s of pair) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => open.delete(s));
    }
    client.on('data', (d) => {
      if (!stalled.has(client)) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!stalled.has(client)) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    stall: () => {
      for (const s of open) stalled.add(s);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

test('redis store: a connection that stops answering is replaced, and the store recovers', async (t) => {
  const admin = await redisOrSkip(t);
  if (admin === null) return;
  const proxy = await stallingProxy(new URL(REDIS_URL));
  const prefix = uniquePrefix('stall');
  const store = new RedisStore({ url: proxy.url, prefix, timeoutMs: 50 }, { failures: 2, cooldownMs: 100, warnEveryMs: 0 });
  // As limiter.ts sends them: numkeys, key, mode (take), now ('' = Redis TIME), algorithm, limit, window, param.
  const args = (): (string | number)[] => [1, `${prefix}k`, 1, '', 0, 1_000_000, 1_000, 0];
  try {
    assert.equal(await store.ready(2_000), true);
    const first = store.run(args());
    assert.ok(first);
    await first;
    proxy.stall();
    for (let i = 0; i < 2; i++) await assert.rejects(store.run(args()) ?? Promise.reject(new Error('skipped')));
    // The cool-down opened on timeouts over a live connection: the store reconnects (through a new proxied
    // connection, which works) and the next probe after the cool-down succeeds.
    let ok = false;
    for (let i = 0; i < 40 && !ok; i++) {
      await sleep(50);
      const p = store.run(args());
      if (p !== null) ok = await p.then(() => true, () => false);
    }
    assert.ok(ok, 'the store answers again without a restart');
    assert.equal(store.cooldown.open, false);
  } finally {
    await store.close();
    await proxy.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  }
});
