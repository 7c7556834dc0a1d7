import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Breaker } from './breaker.ts';

const settings = { failureRate: 0.5, minRequests: 4, windowMs: 10_000, openForMs: 30_000, halfOpenRequests: 2 };

test('stays closed below min_requests, opens at the failure rate', () => {
  const b = new Breaker(settings);
  b.record(false, 0);
  b.record(false, 1);
  b.record(false, 2);
  assert.equal(b.state, 'closed');
  b.record(true, 3);
  assert.equal(b.state, 'closed');
  b.record(false, 4);
  assert.equal(b.state, 'open');
  assert.equal(b.allow(5), false);
  assert.equal(b.retryAfter(5), 30);
});

test('old results leave the window', () => {
  const b = new Breaker(settings);
  for (let i = 0; i < 3; i++) b.record(false, i);
  for (let i = 0; i < 4; i++) b.record(true, 11_000 + i);
  b.record(false, 11_010);
  assert.equal(b.state, 'closed');
});

test('open → half-open after open_for → closed after the trials succeed', () => {
  const changes: string[] = [];
  const b = new Breaker(settings, (s) => changes.push(s));
  for (let i = 0; i < 4; i++) b.record(false, i);
  assert.equal(b.allow(29_000), false);
  assert.equal(b.allow(30_004), true);
  assert.equal(b.state, 'half-open');
  assert.equal(b.allow(30_005), true);
  assert.equal(b.allow(30_006), false, 'only half_open_requests trials');
  b.record(true, 30_010);
  b.record(true, 30_011);
  assert.equal(b.state, 'closed');
  assert.deepEqual(changes, ['open', 'half-open', 'closed']);
});

test('a failed trial opens it again', () => {
  const b = new Breaker(settings);
  for (let i = 0; i < 4; i++) b.record(false, i);
  assert.equal(b.allow(40_000), true);
  b.record(false, 40_001);
  assert.equal(b.state, 'open');
  assert.equal(b.openUntil, 70_001);
});
