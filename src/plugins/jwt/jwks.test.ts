import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '../../core/clock.ts';
import { JwksSet } from './jwks.ts';
import { ALGORITHMS } from './algorithms.ts';
import { startJwks } from '../../../test/helpers/tokens.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const jwk = (kid: string) => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid });

test('unknown kids refetch at most once per min refresh; failures keep the last good set', async () => {
  const server = await startJwks([jwk('a')]);
  const clock = new ManualClock();
  try {
    const set = new JwksSet({ uri: server.url, minRefreshMs: 30_000, cacheTtlMs: 600_000, timeoutMs: 2_000, algorithms: new Set(ALGORITHMS) }, clock, quiet);
    set.start();
    await set.waitFirst();
    assert.ok(set.get('a'));
    assert.equal(server.hits(), 1);
    const v = set.version;

    server.setKeys([jwk('a'), jwk('b')]);
    assert.equal(set.refetchForUnknownKid(), null, 'too soon after the last fetch');
    clock.advance(30_000);
    await set.refetchForUnknownKid();
    assert.ok(set.get('b'));
    assert.equal(server.hits(), 2);
    assert.ok(set.version > v);
    assert.equal(set.refetchForUnknownKid(), null);

    server.setStatus(500);
    clock.advance(30_000);
    await set.refetchForUnknownKid();
    assert.equal(server.hits(), 3);
    assert.ok(set.get('a') && set.get('b'), 'the last good set stays');

    server.setStatus(200);
    set.tick(); // younger than cache TTL: nothing
    assert.equal(server.hits(), 3);
    clock.advance(600_000);
    set.tick();
    await set.refetchForUnknownKid(); // joins the background refresh
    assert.equal(server.hits(), 4);
  } finally {
    await server.close();
  }
});

test('a cache TTL shorter than the min refresh still holds: the set is refreshed once per TTL', async () => {
  const server = await startJwks([jwk('a')]);
  const clock = new ManualClock();
  try {
    const set = new JwksSet({ uri: server.url, minRefreshMs: 10_000, cacheTtlMs: 2_000, timeoutMs: 2_000, algorithms: new Set(ALGORITHMS) }, clock, quiet);
    set.start();
    await set.waitFirst();
    server.setKeys([jwk('b')]);
    clock.advance(1_999);
    set.tick();
    assert.equal(server.hits(), 1, 'younger than the TTL');
    clock.advance(1);
    set.tick();
    await set.refetchForUnknownKid(); // joins the background refresh
    assert.equal(server.hits(), 2);
    assert.equal(set.get('a'), undefined, 'the removed key is gone after one TTL');
    assert.ok(set.get('b'));
    // A failing endpoint is asked again after a TTL, not on every request.
    server.setStatus(500);
    clock.advance(2_000);
    set.tick();
    await set.refetchForUnknownKid();
    assert.equal(server.hits(), 3);
    set.tick();
    clock.advance(1_000);
    set.tick();
    assert.equal(server.hits(), 3);
    assert.ok(set.get('b'), 'the last good set stays');
  } finally {
    await server.close();
  }
});
