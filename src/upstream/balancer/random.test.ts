import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomBalancer, pickCumulative } from './random.ts';
import { targets, tally } from './fixture.ts';

test('binary search over cumulative weights', () => {
  const items = ['a', 'b', 'c'];
  const cum = [3, 4, 6];
  assert.deepEqual([0, 2, 3, 4, 5].map((r) => pickCumulative(items, cum, r)), ['a', 'a', 'b', 'c', 'c']);
});

test('weighted shares within 3 points over 20000 picks', () => {
  const ts = targets([3, 1]);
  const b = new RandomBalancer();
  b.update(ts);
  const t = tally(() => b.pick(0, null), 20_000);
  const share = t.get(ts[0]!.label)! / 20_000;
  assert.ok(Math.abs(share - 0.75) < 0.03, String(share));
});

test('exclude is never returned when another target exists', () => {
  const ts = targets([1, 100]);
  const b = new RandomBalancer();
  b.update(ts);
  for (let i = 0; i < 200; i++) assert.equal(b.pick(0, ts[1]!), ts[0]);
});
