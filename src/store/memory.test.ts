import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory.ts';
import { FIXED, type LimitSpec } from './algorithms.ts';

const minute: LimitSpec[] = [{ algo: FIXED, limit: 10, windowMs: 60_000, param: 0, headerLimit: 10, suffix: 'f' }];
const T0 = 1_700_000_040_000;

function heapMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

test('1M distinct keys: the store stays at its bound and the heap stays flat', () => {
  const store = new MemoryStore({ maxKeys: 50_000, sweepEveryMs: 0 });
  for (let i = 0; i < 100_000; i++) store.hit(`warm-${i}`, minute, T0);
  const before = heapMb();
  for (let i = 0; i < 1_000_000; i++) store.hit(`k-${i}`, minute, T0 + (i >> 10));
  const after = heapMb();
  assert.equal(store.size, 50_000);
  // Held entries are replaced, not added: growth is noise, far below what 1M entries would take (~150 MB).
  if (globalThis.gc) assert.ok(after - before < 30, `heap grew ${(after - before).toFixed(1)} MB`);
  assert.ok(store.evictions > 0);
});

test('eviction prefers expired keys, then keys not used since the hand last passed (hot keys survive)', () => {
  const store = new MemoryStore({ maxKeys: 100, sweepEveryMs: 0 });
  for (let i = 0; i < 100; i++) store.hit(`old-${i}`, minute, T0);
  // A minute later the old keys have expired: new keys replace them without evicting a live one.
  const later = T0 + 60_000;
  for (let i = 0; i < 100; i++) store.hit(`new-${i}`, minute, later);
  assert.equal(store.evictions, 0);
  assert.equal(store.size, 100);
  // `hot` is counted between waves of cold keys; its count must never be lost.
  for (let i = 0; i < 5; i++) assert.equal(store.hit('hot', minute, later).allowed, true);
  for (let wave = 0; wave < 20; wave++) {
    for (let i = 0; i < 30; i++) store.hit(`cold-${wave}-${i}`, minute, later);
    store.hit('hot', minute, later, false); // a peek-like touch keeps its reference bit set
  }
  assert.equal(store.peek('hot', minute, later)[0], 5, 'the hot key kept its count');
  assert.ok(store.size <= 100);
});

test('sweep removes expired keys incrementally', () => {
  const store = new MemoryStore({ sweepEveryMs: 0 });
  for (let i = 0; i < 1000; i++) store.hit(`k-${i}`, minute, T0);
  assert.equal(store.sweep(10_000, T0 + 1_000), 0);
  let removed = 0;
  for (let i = 0; i < 5; i++) removed += store.sweep(300, T0 + 60_000);
  assert.equal(removed, 1000);
  assert.equal(store.size, 0);
});
