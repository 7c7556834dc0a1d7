import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket, type Server } from 'node:net';
import { Agent, request } from 'undici';
import { startCli, freePort, tempDir, type Running } from '../helpers/cli.ts';
import { startGateway } from '../helpers/gateway.ts';
import { startUpstream } from '../helpers/upstream.ts';
import { redisOrSkip, uniquePrefix, deleteKeys, REDIS_URL } from '../helpers/redis.ts';
import { storeMetrics } from '../../src/store/metrics.ts';

const ALGORITHMS = {
  'fixed-window': '{ limits: [{ limit: 100, window: 1d }], algorithm: fixed-window }',
  'sliding-window': '{ limits: [{ limit: 100, window: 1d }], algorithm: sliding-window }',
  // A negligible refill (1 a day): exactly the capacity passes.
  'token-bucket': '{ limits: [{ limit: 1, window: 1d }], algorithm: token-bucket, burst: 100 }',
  // GCRA: 1 now plus a queue of 99.
  'leaky-bucket': '{ limits: [{ limit: 1, window: 1d }], algorithm: leaky-bucket, burst: 99 }',
};

test('two gateway processes on one Redis: 1,000 concurrent requests against limit 100 → exactly 100 pass, per algorithm', async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const prefix = uniquePrefix('exact');
  const up = await startUpstream();
  const tmp = await tempDir();
  const procs: Running[] = [];
  const agent = new Agent({ connections: 128 });
  try {
    const ports = [await freePort(), await freePort()];
    const admins = [await freePort(), await freePort()];
    const routes = Object.entries(ALGORITHMS)
      .map(([name, rl]) => `  - { name: ${name}, paths: [/${name}], service: s, plugins: { rate-limiting: { store: redis, key: [global], ${rl.slice(2)} } }`)
      .join('\n');
    for (let i = 0; i < 2; i++) {
      const file = await tmp.write(
        `gw${i}.yaml`,
        `listen: [{ address: "127.0.0.1:${ports[i]}" }]
admin: { listen: "127.0.0.1:${admins[i]}" }
log: { level: warn, access: "off" }
store: { redis: { url: "${REDIS_URL}", prefix: "${prefix}", timeout: 2s } }
services: [{ name: s, url: "${up.url}" }]
routes:
${routes}
`,
      );
      procs.push(await startCli(['start', '--config', file], async () => (await request(`http://127.0.0.1:${admins[i]}/ready`)).statusCode === 200));
    }
    for (const name of Object.keys(ALGORITHMS)) {
      const seen = up.seen.length;
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const r = await request(`http://127.0.0.1:${ports[i % 2]}/${name}`, { dispatcher: agent });
          await r.body.dump();
          return r.statusCode;
        }),
      );
      const count = (s: number) => statuses.filter((x) => x === s).length;
      assert.deepEqual({ name, ok: count(200), limited: count(429) }, { name, ok: 100, limited: 900 });
      assert.equal(up.seen.length - seen, 100, `${name}: the upstream saw exactly the passed requests`);
    }
    const keys = await redis.keys(`${prefix}*`);
    assert.equal(keys.length, 4, keys.join(', '));
    // prefix + rl: + {hash tag: scope | key} + limit; the tag keeps all of a key's limits on one slot.
    for (const k of keys) assert.match(k, /^portico-test:exact:[0-9a-f]+:rl:\{r:[a-z-]+\|global=\}:[fstg]\d+:/);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await agent.close();
    await up.close();
    await tmp.cleanup();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});

/** A TCP proxy in front of Redis that the test can cut (refuse/drop) or stall (hold bytes), and restore. */
async function redisProxy(target: URL): Promise<{ url: string; mode(m: 'pass' | 'cut' | 'stall'): void; close(): Promise<void> }> {
  let mode: 'pass' | 'cut' | 'stall' = 'pass';
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    if (mode === 'cut') return void client.destroy();
    const upstream = connect(Number(target.port || 6379), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    mode(m) {
      mode = m;
      for (const [c, u] of pairs) {
        if (m === 'cut') {
          c.destroy();
          u.destroy();
        } else if (m === 'stall') {
          c.pause(); // bytes wait in the kernel, like a Redis that stopped answering
        } else {
          c.resume();
        }
      }
    },
    close: () =>
      new Promise<void>((r) => {
        for (const [c, u] of pairs) {
          c.destroy();
          u.destroy();
        }
        server.close(() => r());
      }),
  };
}

async function counter(reason: string): Promise<number> {
  const text = await storeMetrics.metrics();
  const m = new RegExp(`portico_ratelimit_store_errors_total\\{store="redis",reason="${reason}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

test('Redis down, stalled, back: open passes, closed answers 503, local counts in memory; the store recovers by itself', async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const prefix = uniquePrefix('outage');
  const proxy = await redisProxy(new URL(REDIS_URL));
  const up = await startUpstream();
  const mode = (m: string) =>
    `  - { name: ${m}, paths: [/${m}], service: s, plugins: { rate-limiting: { store: redis, on_store_error: ${m}, key: [global], algorithm: fixed-window, limits: [{ limit: 3, window: 1d }] } } }`;
  const gw = await startGateway(
    `store: { redis: { url: "${proxy.url}", prefix: "${prefix}", timeout: 50ms } }
services: [{ name: s, url: "${up.url}" }]
routes:
${['open', 'closed', 'local'].map(mode).join('\n')}
`,
  );
  const call = async (path: string) => {
    const r = await request(`${gw.url}${path}`);
    const text = await r.body.text();
    return { status: r.statusCode, remaining: r.headers['ratelimit-remaining'], text };
  };
  try {
    // Healthy: Redis counts (and the usage view would read it too).
    for (const m of ['open', 'closed', 'local']) {
      const r = await call(`/${m}`);
      assert.deepEqual([r.status, r.remaining], [200, '2'], m);
    }
    assert.equal((await redis.keys(`${prefix}*`)).length, 3);
    const errorsBefore = await counter('error');
    proxy.mode('cut');
    const open = [];
    const closed = [];
    const local = [];
    for (let i = 0; i < 8; i++) {
      open.push(await call('/open'));
      closed.push(await call('/closed'));
      local.push(await call('/local'));
    }
    assert.deepEqual(new Set(open.map((r) => r.status)), new Set([200]));
    assert.ok(open.every((r) => r.remaining === undefined), 'open: no store, no RateLimit headers');
    assert.deepEqual(new Set(closed.map((r) => r.status)), new Set([503]));
    assert.equal(JSON.parse(closed[0]!.text).error, 'service_unavailable');
    assert.deepEqual(local.map((r) => r.status), [200, 200, 200, 429, 429, 429, 429, 429], 'local: counted in memory');
    const errors = (await counter('error')) - errorsBefore;
    assert.ok(errors >= 3 && errors < 24, `failures counted, then skipped while cooling down (${errors} errors)`);
    assert.ok((await counter('cooldown')) > 0);

    // Back: the store is probed after its cool-down and used again.
    proxy.mode('pass');
    await until(async () => (await call('/open')).remaining !== undefined);
    const r = await call('/closed');
    assert.equal(r.status, 200);

    // Stalled (accepts, never answers): the 50ms timeout applies, then the cool-down.
    proxy.mode('stall');
    const stalled = [];
    for (let i = 0; i < 6; i++) stalled.push((await call('/open')).status);
    assert.deepEqual(stalled, [200, 200, 200, 200, 200, 200]);
    assert.equal((await call('/closed')).status, 503);
    proxy.mode('pass');
    await until(async () => (await call('/closed')).status !== 503);
  } finally {
    await gw.stop();
    await proxy.close();
    await up.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});

async function until(ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
