import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory.ts';
import { RATE_LIMIT_LUA } from './redis-script.ts';
import { FIXED, SLIDING, TOKEN, GCRA, summarize, type LimitSpec, type AlgoCode } from './algorithms.ts';
import { redisOrSkip, uniquePrefix, deleteKeys } from '../../test/helpers/redis.ts';

function spec(algo: AlgoCode, limit: number, windowMs: number, param = 0): LimitSpec {
  return { algo, limit, windowMs, param, headerLimit: limit, suffix: `${algo}:${windowMs}:${limit}:${param}` };
}

/** A tiny deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SCENARIOS: { name: string; specs: LimitSpec[] }[] = [
  { name: 'fixed', specs: [spec(FIXED, 5, 1_000)] },
  { name: 'sliding', specs: [spec(SLIDING, 7, 1_000)] },
  { name: 'sliding L=1', specs: [spec(SLIDING, 1, 300)] },
  { name: 'token', specs: [spec(TOKEN, 3, 1_000, 4)] },
  { name: 'token fractional rate', specs: [spec(TOKEN, 7, 3_000, 2)] },
  { name: 'gcra', specs: [spec(GCRA, 3, 1_000, 500)] },
  { name: 'gcra τ=0', specs: [spec(GCRA, 9, 1_000, 0)] },
  { name: 'mixed windows', specs: [spec(SLIDING, 20, 10_000), spec(SLIDING, 4, 1_000)] },
  { name: 'token pair', specs: [spec(TOKEN, 10, 10_000, 10), spec(TOKEN, 2, 1_000, 3)] },
];

test('the Lua script and the memory store agree, step for step (time injected)', async (t) => {
  const redis = await redisOrSkip(t);
  if (!redis) return;
  const prefix = uniquePrefix('parity');
  redis.defineCommand('rlParity', { lua: RATE_LIMIT_LUA });
  const run = (redis as unknown as { rlParity(...a: (string | number)[]): Promise<number[]> }).rlParity.bind(redis);
  try {
    for (const sc of SCENARIOS) {
      const store = new MemoryStore({ sweepEveryMs: 0 });
      const rand = rng(42);
      let now = 1_700_000_000_000 + 123;
      const n = sc.specs.length;
      for (let i = 0; i < 400; i++) {
        now += Math.floor(rand() * rand() * 400);
        const key = rand() < 0.8 ? 'a' : 'b';
        const mode = rand() < 0.1 ? 0 : 1;
        const keys = sc.specs.map((s) => `${prefix}{${sc.name}|${key}}:${s.suffix}`);
        const argv = sc.specs.flatMap((s) => [s.algo, s.limit, s.windowMs, s.param]);
        const r = await run(n, ...keys, mode, now, ...argv);
        const lua = summarize(r, n, 2);
        const where = `${sc.name} step ${i} (mode ${mode})`;
        if (mode === 0) {
          const mem = store.peek(key, sc.specs, now);
          for (let k = 0; k < n; k++) {
            assert.equal(r[2 + 3 * k], mem[3 * k], `${where}: avail`);
            assert.equal(r[3 + 3 * k], Math.ceil(mem[3 * k + 1]!), `${where}: wait`);
            assert.equal(r[4 + 3 * k], Math.ceil(mem[3 * k + 2]!), `${where}: reset`);
          }
          continue;
        }
        const mem = store.hit(key, sc.specs, now);
        assert.equal(r[0], mem.allowed ? 1 : 0, `${where}: allowed`);
        assert.equal(lua.allowed, mem.allowed, where);
        assert.equal(lua.remaining, mem.remaining, `${where}: remaining`);
        assert.equal(lua.retryMs, Math.ceil(mem.retryMs), `${where}: retry`);
        assert.equal(lua.delayMs, Math.ceil(mem.delayMs), `${where}: delay`);
        if (n === 1) assert.equal(lua.resetMs, Math.ceil(mem.resetMs), `${where}: reset`);
      }
    }
    // Keys expire with their windows.
    const keys = await redis.keys(`${prefix}*`);
    assert.ok(keys.length > 0);
    // -1 would be a key without expiry; -2 (already expired, short windows under load) is fine.
    for (const k of keys) assert.notEqual(await redis.pttl(k), -1, `${k} has a TTL`);
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});
