import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeastLatency, latencyCost } from './least-latency.ts';
import { targets, tally } from './fixture.ts';

test('the slowest target (by peak EWMA) is avoided; unsampled targets are tried', () => {
  const ts = targets([1, 1, 1]);
  ts[0]!.ewma = 200;
  ts[1]!.ewma = 5;
  ts[2]!.ewma = 0;
  const b = new LeastLatency();
  b.update(ts);
  const t = tally(() => b.pick(0, null), 1000);
  assert.equal(t.get(ts[0]!.label), undefined);
  assert.ok((t.get(ts[2]!.label) ?? 0) > 0);
});

test('cost grows with in-flight requests', () => {
  const [a] = targets([1]);
  a!.ewma = 10;
  assert.equal(latencyCost(a!), 10);
  a!.inflight = 2;
  assert.equal(latencyCost(a!), 30);
});
