import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PowerOfTwo } from './p2c.ts';
import { targets, tally } from './fixture.ts';

test('the busiest target never wins a comparison', () => {
  const ts = targets([1, 1, 1, 1]);
  ts[0]!.inflight = 50;
  const b = new PowerOfTwo();
  b.update(ts);
  const t = tally(() => b.pick(0, null), 2000);
  assert.equal(t.get(ts[0]!.label), undefined);
  assert.equal(t.size, 3);
});

test('load is per unit of weight; exclude honoured', () => {
  const ts = targets([4, 1]);
  ts[0]!.inflight = 2; // (2+1)/4 < (0+1)/1
  const b = new PowerOfTwo();
  b.update(ts);
  assert.equal(b.pick(0, null), ts[0]);
  assert.equal(b.pick(0, ts[0]!), ts[1]);
});

test('idle equal targets (ties) share sequential traffic, two targets included; weight still wins over idleness', () => {
  for (const weights of [[1, 1], [2, 2], [1, 1, 1]]) {
    const ts = targets(weights);
    const b = new PowerOfTwo();
    b.update(ts);
    const n = 8000;
    const t = tally(() => b.pick(0, null), n);
    assert.equal(t.size, weights.length, `${weights}: every target gets requests`);
    if (weights.length === 2) {
      const share = (t.get(ts[0]!.label) ?? 0) / n;
      const want = weights[0]! / (weights[0]! + weights[1]!);
      assert.ok(Math.abs(share - want) < 0.05, `${weights}: ${share} ≈ ${want}`);
    }
  }
  // A light canary beside a heavy target: idle, the heavy one is the less loaded per unit of weight.
  const ts = targets([1, 9]);
  const b = new PowerOfTwo();
  b.update(ts);
  ts[1]!.inflight = 2; // (2+1)/9 < (0+1)/1
  assert.equal(tally(() => b.pick(0, null), 500).get(ts[0]!.label), undefined);
});
