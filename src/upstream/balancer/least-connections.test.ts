import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeastConnections } from './least-connections.ts';
import { targets, tally } from './fixture.ts';
import type { Target } from '../target.ts';

function run(b: LeastConnections, t: Target, delta: number): void {
  t.inflight += delta;
  b.changed(t);
}

test('equal idle targets rotate', () => {
  const ts = targets([1, 1, 1]);
  const b = new LeastConnections();
  b.update(ts);
  const t = tally(() => b.pick(0, null), 300);
  for (const x of ts) assert.equal(t.get(x.label), 100);
});

test('the least loaded (per weight) wins as in-flight counts move', () => {
  const ts = targets([1, 1, 2]);
  const b = new LeastConnections();
  b.update(ts);
  run(b, ts[0]!, 5);
  run(b, ts[1]!, 1);
  run(b, ts[2]!, 3); // (3+1)/2 = 2 = (1+1)/1 → ties rotate between 1 and 2
  const first = b.pick(0, null)!;
  assert.ok(first === ts[1] || first === ts[2]);
  run(b, first, 1);
  run(b, ts[1]!, -1);
  assert.equal(b.pick(0, null), ts[1]);
  run(b, ts[0]!, -5);
  assert.equal(b.pick(0, null), ts[0]);
});

test('exclude gives the runner-up', () => {
  const ts = targets([1, 1, 1]);
  const b = new LeastConnections();
  b.update(ts);
  run(b, ts[2]!, 4);
  const top = b.pick(0, null)!;
  const other = b.pick(0, top)!;
  assert.notEqual(other, top);
  assert.notEqual(other, ts[2]);
});
