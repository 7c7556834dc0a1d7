import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '../../core/clock.ts';
import { JwksSet } from './jwks.ts';
import { ALGORITHMS } from './algorithms.ts';
import { startJwks } from '../../../test/helpers/tokens.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const jwk = (kid: string) => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid });

test('unknown kids refetch at once, then at most once per min refresh; failures keep the last good set', async () => {
  const server = await startJwks([jwk('a')]);
  const clock = new ManualClock();
  try {
    const set = new JwksSet({ uri: server.url, minRefreshMs: 30_000, cacheTtlMs: 600_000, timeoutMs: 2_000, algorithms: new Set(ALGORITHMS) }, clock, quiet);
    set.start();
    await set.waitFirst();
    assert.ok(set.get('a'));
    assert.equal(server.hits(), 1);
    const v = set.version;

    // A key published right after the start is picked up by the first token that names it.
    server.setKeys([jwk('a'), jwk('b')]);
    await set.refetchForUnknownKid();
    assert.ok(set.get('b'));
    assert.equal(server.hits(), 2);
    assert.ok(set.version > v);
    assert.equal(set.refetchForUnknownKid(), null, 'too soon after the last unknown-kid refetch');
    clock.advance(29_999);
    assert.equal(set.refetchForUnknownKid(), null);

    server.setStatus(500);
    clock.advance(1);
    await set.refetchForUnknownKid();
    assert.equal(server.hits(), 3);
    assert.ok(set.get('a') && set.get('b'), 'the last good set stays');
    assert.equal(set.refetchForUnknownKid(), null);
    assert.equal(server.hits(), 3);
  } finally {
    await server.close();
  }
});

test('a set past its TTL is refetched and waited for; while the endpoint fails, retries run in the background', async () => {
  const server = await startJwks([jwk('a')]);
  const clock = new ManualClock();
  try {
    const set = new JwksSet({ uri: server.url, minRefreshMs: 10_000, cacheTtlMs: 2_000, timeoutMs: 2_000, algorithms: new Set(ALGORITHMS) }, clock, quiet);
    set.start();
    await set.waitFirst();
    server.setKeys([jwk('b')]);
    clock.advance(1_999);
    assert.equal(set.tick(), null, 'younger than the TTL');
    assert.equal(server.hits(), 1);
    clock.advance(1);
    const wait = set.tick();
    assert.ok(wait, 'past the TTL: a refetch to wait for');
    await wait;
    assert.equal(server.hits(), 2);
    assert.equal(set.get('a'), undefined, 'the removed key is gone after one TTL (TTL shorter than the min refresh)');
    assert.ok(set.get('b'));
    // The endpoint fails: the first refetch is waited for (it was healthy), then it is retried once per TTL
    // in the background while the last good set serves.
    server.setStatus(500);
    clock.advance(2_000);
    await set.tick();
    assert.equal(server.hits(), 3);
    assert.equal(set.tick(), null, 'a retry too soon after the failed attempt');
    clock.advance(2_000);
    assert.equal(set.tick(), null, 'failing: the retry runs in the background');
    await set.refetchForUnknownKid(); // joins it
    assert.equal(server.hits(), 4);
    assert.ok(set.get('b'), 'the last good set stays');
    server.setStatus(200);
    clock.advance(2_000);
    void set.tick();
    await set.refetchForUnknownKid();
    assert.equal(server.hits(), 5);
    clock.advance(2_000);
    const again = set.tick();
    assert.ok(again, 'healthy again: waited for');
    await again;
  } finally {
    await server.close();
  }
});
