import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryBudget, backoff, retryable } from './retry.ts';
import type { RetrySpec } from './spec.ts';

const spec: RetrySpec = {
  attempts: 2,
  onConnect: true,
  onReset: true,
  onTimeout: true,
  statuses: new Set([502, 503]),
  backoffMs: 50,
  maxBackoffMs: 300,
  methods: new Set(['GET', 'PUT']),
  budget: 0.2,
  minRetries: 0,
  bufferBody: 1024,
};

test('non-idempotent methods only on connect failures or unsent resets', () => {
  assert.equal(retryable(spec, 'status', 503, 'GET', true), true);
  assert.equal(retryable(spec, 'status', 500, 'GET', true), false);
  assert.equal(retryable(spec, 'status', 503, 'POST', true), false);
  assert.equal(retryable(spec, 'timeout', 0, 'POST', true), false);
  assert.equal(retryable(spec, 'connect-failure', 0, 'POST', false), true);
  assert.equal(retryable(spec, 'reset', 0, 'POST', true), false);
  assert.equal(retryable(spec, 'reset', 0, 'POST', false), true);
});

test('backoff doubles up to the cap, jittered below it', () => {
  assert.equal(backoff(spec, 1, () => 0.999), 49);
  assert.equal(backoff(spec, 3, () => 0.999), 199);
  assert.equal(backoff(spec, 10, () => 0.999), 299);
  assert.equal(backoff(spec, 10, () => 0), 0);
});

test('budget: 20% of requests over the window, plus the minimum', () => {
  const b = new RetryBudget(0.2, 0);
  for (let i = 0; i < 10; i++) b.request(i);
  assert.equal(b.tryRetry(20), true);
  assert.equal(b.tryRetry(21), true);
  assert.equal(b.tryRetry(22), false);
  // The window moves on: old requests and retries leave it.
  for (let i = 0; i < 5; i++) b.request(20_000 + i);
  assert.equal(b.tryRetry(20_010), true);
  assert.equal(b.tryRetry(20_011), false);
  const withMin = new RetryBudget(0.2, 3);
  assert.equal([1, 2, 3, 4].map((t) => withMin.tryRetry(t)).join(), 'true,true,true,false');
});
