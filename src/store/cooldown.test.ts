import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cooldown, WarnThrottle } from './cooldown.ts';

test('after N consecutive failures the store is skipped for the cool-down, then one probe goes through', () => {
  let now = 0;
  const c = new Cooldown({ failures: 3, cooldownMs: 1_000, now: () => now });
  assert.equal(c.tryAcquire(), true);
  c.failure();
  c.success(); // a success resets the streak
  for (let i = 0; i < 2; i++) c.failure();
  assert.equal(c.tryAcquire(), true);
  assert.equal(c.failure(), true);
  assert.equal(c.tryAcquire(), false);
  now = 999;
  assert.equal(c.tryAcquire(), false);
  now = 1_000;
  assert.equal(c.tryAcquire(), true, 'the probe');
  assert.equal(c.tryAcquire(), false, 'one probe at a time');
  c.failure(); // the probe failed: another cool-down
  now = 1_500;
  assert.equal(c.tryAcquire(), false);
  now = 2_000;
  assert.equal(c.tryAcquire(), true);
  assert.equal(c.success(), true, 'recovered');
  assert.equal(c.tryAcquire(), true);
  assert.equal(c.open, false);
});

test('warnings pass at most once per interval and count what was held back', () => {
  let now = 0;
  const w = new WarnThrottle(10_000, () => now);
  assert.equal(w.take(), 0);
  assert.equal(w.take(), -1);
  assert.equal(w.take(), -1);
  now = 10_000;
  assert.equal(w.take(), 2);
});
