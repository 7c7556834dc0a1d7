import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundRobin } from './round-robin.ts';
import { targets } from './fixture.ts';

test('each target in turn, weights ignored, weight 0 skipped', () => {
  const ts = targets([3, 1, 0]);
  const b = new RoundRobin();
  b.update(ts);
  assert.deepEqual([1, 2, 3, 4].map(() => b.pick(0, null)), [ts[0], ts[1], ts[0], ts[1]]);
});

test('exclude skips to the next one', () => {
  const ts = targets([1, 1, 1]);
  const b = new RoundRobin();
  b.update(ts);
  assert.equal(b.pick(0, ts[0]!), ts[1]);
  assert.equal(new RoundRobin().pick(0, null), undefined);
});
