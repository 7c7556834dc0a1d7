import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/clock.ts';
import { MemoryStore } from './memory.ts';
import { FIXED, SLIDING, TOKEN, GCRA, type LimitSpec, type AlgoCode } from './algorithms.ts';

function spec(algo: AlgoCode, limit: number, windowMs: number, param = 0): LimitSpec {
  return { algo, limit, windowMs, param, headerLimit: limit, suffix: `${algo}:${windowMs}:${limit}` };
}

/** A store and a clock starting exactly on a window boundary (of every window used here). */
function setup(): { store: MemoryStore; clock: ManualClock; hit: (specs: LimitSpec[], key?: string) => ReturnType<MemoryStore['hit']> } {
  const store = new MemoryStore({ sweepEveryMs: 0 });
  const clock = new ManualClock(1_700_006_400_000); // a multiple of 1 day
  return { store, clock, hit: (specs, key = 'k') => store.hit(key, specs, clock.now()) };
}

function passes(hit: () => { allowed: boolean }, n: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (hit().allowed) ok++;
  return ok;
}

test('fixed window: exactly `limit` per window, refusals do not count, resets at the boundary', () => {
  const { clock, hit } = setup();
  const s = [spec(FIXED, 5, 60_000)];
  clock.advance(10_000);
  const first = hit(s);
  assert.deepEqual([first.allowed, first.remaining, first.resetMs], [true, 4, 50_000]);
  assert.equal(passes(() => hit(s), 20), 4);
  const refused = hit(s);
  assert.deepEqual([refused.allowed, refused.remaining, refused.retryMs, refused.resetMs], [false, 0, 50_000, 50_000]);
  clock.advance(49_999);
  assert.equal(hit(s).allowed, false);
  clock.advance(1); // the next window
  assert.equal(passes(() => hit(s), 20), 5);
});

test('sliding window: the previous window weighs by its overlap', () => {
  const { clock, hit } = setup();
  const s = [spec(SLIDING, 10, 1_000)];
  assert.equal(passes(() => hit(s), 15), 10);
  clock.advance(1_000); // next window starts: previous 10 weigh fully
  const r = hit(s);
  assert.equal(r.allowed, false);
  assert.equal(r.retryMs, 100); // 10 × (1 − 0.1) = 9 leaves room for one
  clock.advance(99);
  assert.equal(hit(s).allowed, false);
  clock.advance(1);
  const ok = hit(s);
  assert.deepEqual([ok.allowed, ok.remaining, ok.resetMs], [true, 0, 900]);
  clock.advance(400); // 10 × 0.5 + 1 = 6 → 4 more
  assert.equal(passes(() => hit(s), 10), 4);
});

test('sliding window: a full current window waits into the next one', () => {
  const { clock, hit } = setup();
  const s = [spec(SLIDING, 4, 1_000)];
  clock.advance(500);
  assert.equal(passes(() => hit(s), 4), 4);
  const r = hit(s);
  // next window: 4 × (1 − f) ≤ 3 → f ≥ 0.25 → 500 ms to the boundary + 250 ms
  assert.deepEqual([r.allowed, r.retryMs], [false, 750]);
  clock.advance(749);
  assert.equal(hit(s).allowed, false);
  clock.advance(1);
  assert.equal(hit(s).allowed, true);
});

test('token bucket: burst at once, then refill at limit/window', () => {
  const { clock, hit } = setup();
  const s = [spec(TOKEN, 1, 1_000, 5)]; // 1 token/s, capacity 5
  const first = hit(s);
  assert.deepEqual([first.remaining, first.resetMs], [4, 1_000]);
  assert.equal(passes(() => hit(s), 10), 4);
  const r = hit(s);
  assert.deepEqual([r.allowed, r.retryMs, r.resetMs], [false, 1_000, 5_000]);
  clock.advance(999);
  assert.equal(hit(s).allowed, false);
  clock.advance(1);
  assert.equal(hit(s).allowed, true);
  assert.equal(hit(s).allowed, false);
  clock.advance(60_000); // refills to capacity, never beyond
  assert.equal(passes(() => hit(s), 10), 5);
});

test('leaky bucket (GCRA): one per window/limit, plus a queue of burst', () => {
  const { clock, hit } = setup();
  const s = [spec(GCRA, 10, 1_000, 0)]; // T = 100 ms, τ = 0
  assert.equal(hit(s).allowed, true);
  const r = hit(s);
  assert.deepEqual([r.allowed, r.retryMs], [false, 100]);
  clock.advance(50);
  assert.equal(hit(s).allowed, false);
  clock.advance(50);
  assert.equal(hit(s).allowed, true);

  const b = [spec(GCRA, 10, 1_000, 200)]; // burst 2: τ = 2T → 3 at once
  assert.equal(passes(() => hit(b, 'b'), 10), 3);
  clock.advance(100);
  assert.equal(passes(() => hit(b, 'b'), 10), 1); // spacing: one more per T
  clock.advance(250);
  assert.equal(passes(() => hit(b, 'b'), 10), 2);
});

test('leaky bucket delay mode: accepted requests wait for their slot, past τ they are refused', () => {
  const { clock, hit } = setup();
  const s = [spec(GCRA, 10, 1_000, 250)]; // T = 100 ms, τ = max_delay 250 ms
  const delays = [0, 1, 2].map(() => hit(s).delayMs);
  assert.deepEqual(delays, [0, 100, 200]);
  const r = hit(s);
  assert.deepEqual([r.allowed, r.retryMs], [false, 50]); // backlog 300 − τ 250
  clock.advance(50);
  const ok = hit(s);
  assert.deepEqual([ok.allowed, ok.delayMs], [true, 250]);
});

test('several limits: the request must fit all; a refusal takes from none; headers show the tightest', () => {
  const { clock, hit } = setup();
  const s = [spec(FIXED, 100, 60_000), spec(FIXED, 3, 1_000)];
  const r = [hit(s), hit(s), hit(s)];
  assert.deepEqual(
    r.map((o) => [o.index, o.remaining]),
    [
      [1, 2],
      [1, 1],
      [1, 0],
    ],
  );
  const refused = hit(s);
  assert.deepEqual([refused.allowed, refused.index, refused.retryMs], [false, 1, 1_000]);
  clock.advance(1_000);
  const next = hit(s);
  assert.equal(next.allowed, true);
  assert.equal(next.index, 1);
  // The minute limit counted 4, not 5: the refused request took nothing.
  assert.equal(passes(() => hit(s), 2), 2);
  clock.advance(1_000);
  const last = hit(s);
  assert.deepEqual([last.index, last.remaining], [1, 2]);
  const peek = new MemoryStore().peek('k', s, clock.now());
  assert.deepEqual(peek, [100, 0, 58_000, 3, 0, 1_000]); // an unknown key: everything available
});

test('peek reads without taking', () => {
  const { store, clock, hit } = setup();
  const s = [spec(FIXED, 5, 60_000)];
  hit(s);
  hit(s);
  assert.deepEqual(store.peek('k', s, clock.now()), [3, 0, 60_000]);
  assert.deepEqual(store.peek('k', s, clock.now()), [3, 0, 60_000]);
});
