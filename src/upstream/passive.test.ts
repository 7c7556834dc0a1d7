import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordFailure } from './passive.ts';
import { targets } from './balancer/fixture.ts';

const p = { consecutiveFailures: 2, ejectionMs: 1000, maxEjectionMs: 3000, maxEjectedFraction: 0.5, statuses: new Set([502]) };

test('ejects after N failures in a row, doubling up to max_ejection', () => {
  const ts = targets([1, 1]);
  const t = ts[0]!;
  assert.equal(recordFailure(p, t, ts, 0), 0);
  assert.equal(recordFailure(p, t, ts, 0), 1000);
  assert.equal(recordFailure(p, t, ts, 500), 0, 'already ejected');
  recordFailure(p, t, ts, 1500);
  assert.equal(recordFailure(p, t, ts, 1500), 2000);
  recordFailure(p, t, ts, 4000);
  assert.equal(recordFailure(p, t, ts, 4000), 3000, 'capped');
  // In for longer than max_ejection: the backoff starts over.
  recordFailure(p, t, ts, 20_000);
  assert.equal(recordFailure(p, t, ts, 20_000), 1000);
});

test('never more than max_ejected_percent', () => {
  const ts = targets([1, 1, 1, 1]);
  for (const t of ts.slice(0, 2)) {
    recordFailure(p, t, ts, 0);
    assert.ok(recordFailure(p, t, ts, 0) > 0);
  }
  recordFailure(p, ts[2]!, ts, 0);
  assert.equal(recordFailure(p, ts[2]!, ts, 0), 0);
});
