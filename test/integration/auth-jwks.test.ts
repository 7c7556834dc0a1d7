import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { sign, testKey, nowS, startJwks, type JwksServer, type TestKey } from '../helpers/tokens.ts';
import { freePort } from '../helpers/cli.ts';

let up: FakeUpstream;
let gw: TestGateway;
let jwks: JwksServer;
let jwks2: JwksServer; // for the routes with default refresh settings and a short TTL
let k1: TestKey;
let k2: TestKey;

before(async () => {
  k1 = await testKey('ES256', 'k1');
  k2 = await testKey('ES256', 'k2');
  up = await startUpstream();
  jwks = await startJwks([k1.jwk]);
  jwks2 = await startJwks([k1.jwk]);
  const dead = `http://127.0.0.1:${await freePort()}/jwks`;
  // min_refresh 0: every unknown kid may refetch, so the test needs no clock; the unit tests cover the limit.
  gw = await startGateway(`
services:
  - { name: api, url: ${up.url} }
routes:
  - name: r
    paths: [/]
    service: api
    plugins:
      jwt: { jwks_uri: "${jwks.url}", jwks_min_refresh: 0, issuer: iss }
  - name: defaults
    paths: [/defaults]
    service: api
    plugins:
      jwt: { jwks_uri: "${jwks2.url}", issuer: iss }
  - name: ttl
    paths: [/ttl]
    service: api
    plugins:
      jwt: { jwks_uri: "${jwks2.url}", issuer: iss, jwks_cache_ttl: 300ms }
  - name: dead
    paths: [/dead]
    service: api
    plugins:
      jwt: { jwks_uri: "${dead}", issuer: iss, jwks_timeout: 500ms }
`);
});
after(async () => {
  await gw?.stop();
  await up.close();
  await jwks.close();
  await jwks2.close();
});

async function status(key: TestKey | string, kid?: string, path = '/'): Promise<number> {
  const t = typeof key === 'string' ? key : await sign({ iss: 'iss', sub: 's', exp: nowS(60) }, { ...key, kid: kid ?? key.kid });
  const r = await request(`${gw.url}${path}`, { headers: { authorization: `Bearer ${t}` } });
  await r.body.dump();
  return r.statusCode;
}

test('key rotation: a new kid is picked up, the old one works until it is removed', async () => {
  const t1 = await sign({ iss: 'iss', sub: 's', exp: nowS(60) }, k1); // the same token, reused below
  assert.equal(await status(t1), 200);
  assert.equal(await status(k2), 401); // not published yet
  jwks.setKeys([k1.jwk, k2.jwk]);
  assert.equal(await status(k2), 200); // unknown kid → refetch → found
  assert.equal(await status(k1), 200); // still published
  jwks.setKeys([k2.jwk]);
  assert.equal(await status(t1), 200); // nothing told the gateway yet (cached set, cached token)
  assert.equal(await status(k2, 'k3'), 401); // an unknown kid triggers a refetch: k1 is gone now
  assert.equal(await status(t1), 401); // the cached verification of t1 is dropped with its key
  assert.equal(await status(k1), 401);
  assert.equal(await status(k2), 200);
});

test('a failing JWKS endpoint keeps the last good key set', async () => {
  jwks.setKeys([k2.jwk]);
  assert.equal(await status(k2), 200);
  jwks.setStatus(500);
  assert.equal(await status(k1), 401); // unknown kid → refetch fails
  assert.equal(await status(k2), 200); // last good set still serves
  jwks.setStatus(200);
});

test('default settings: a kid published after the start is picked up by the first token naming it', async () => {
  jwks2.setKeys([k1.jwk]);
  assert.equal(await status(k1, undefined, '/defaults'), 200);
  jwks2.setKeys([k1.jwk, k2.jwk]);
  assert.equal(await status(k2, undefined, '/defaults'), 200, 'the start-up fetch does not count against jwks_min_refresh');
  const before = jwks2.hits();
  assert.equal(await status(k2, 'junk-1', '/defaults'), 401);
  assert.equal(await status(k2, 'junk-2', '/defaults'), 401);
  assert.equal(jwks2.hits(), before, 'further unknown kids wait for jwks_min_refresh');
});

test('jwks_cache_ttl: a key removed from the set stops working once the TTL passes, cached tokens included', async () => {
  jwks2.setKeys([k1.jwk, k2.jwk]);
  await new Promise((r) => setTimeout(r, 350));
  const t1 = await sign({ iss: 'iss', sub: 's', exp: nowS(60) }, k1);
  assert.equal(await status(t1, undefined, '/ttl'), 200);
  assert.equal(await status(t1, undefined, '/ttl'), 200, 'cached');
  jwks2.setKeys([k2.jwk]);
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(await status(t1, undefined, '/ttl'), 401, 'the first request after the TTL is judged against the new set');
  assert.equal(await status(k2, undefined, '/ttl'), 200);
});

test('a JWKS that never loaded: 503, the token is not blamed', async () => {
  const t = await sign({ iss: 'iss', sub: 's', exp: nowS(60) }, k1);
  const r = await request(`${gw.url}/dead`, { headers: { authorization: `Bearer ${t}` } });
  assert.equal(r.statusCode, 503);
  assert.equal(((await r.body.json()) as { error: string }).error, 'service_unavailable');
});
