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
  ts[0]!.inflight = 3; // (3+1)/4 = 1 < (0+1)/1
  const b = new PowerOfTwo();
  b.update(ts);
  assert.equal(b.pick(0, null), ts[0]);
  assert.equal(b.pick(0, ts[0]!), ts[1]);
});
