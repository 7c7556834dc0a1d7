import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WeightedRoundRobin } from './weighted-round-robin.ts';
import { targets, tally } from './fixture.ts';

test("nginx's smooth sequence for 5,1,1", () => {
  const ts = targets([5, 1, 1]);
  const b = new WeightedRoundRobin();
  b.update(ts);
  const seq = Array.from({ length: 7 }, () => ts.indexOf(b.pick(0, null)!));
  assert.deepEqual(seq, [0, 0, 1, 0, 2, 0, 0]);
});

test('exact shares over whole periods, also past the precomputed schedule', () => {
  for (const weights of [[3, 1], [4001, 3, 2]]) {
    const ts = targets(weights);
    const b = new WeightedRoundRobin();
    b.update(ts);
    const total = weights.reduce((a, c) => a + c, 0);
    const t = tally(() => b.pick(0, null), total * 2);
    ts.forEach((x, i) => assert.equal(t.get(x.label), weights[i]! * 2));
  }
});

test('exclude picks another target; weight 0 never picked', () => {
  const ts = targets([5, 1, 0]);
  const b = new WeightedRoundRobin();
  b.update(ts);
  for (let i = 0; i < 10; i++) assert.equal(b.pick(0, ts[0]!), ts[1]);
  const t = tally(() => b.pick(0, null), 60);
  assert.equal(t.get(ts[2]!.label), undefined);
});
