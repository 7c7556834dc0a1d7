import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { sign, nowS } from '../helpers/tokens.ts';
import { rawRequest, statusOf } from '../helpers/raw.ts';
import { hashScrypt, sha256Hex } from '../../src/plugins/auth-common/secrets.ts';

const SECRET = 'another-hmac-secret-of-at-least-32-bytes!';
let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  const aliceHash = await hashScrypt('wonderland', { N: 1024, r: 8, p: 1 });
  gw = await startGateway(
    `
services:
  - { name: api, url: ${up.url} }
routes:
  - { name: key, paths: [/key], service: api, plugins: { key-auth: { hide_credentials: true } } }
  - { name: keyq, paths: [/keyq], service: api, plugins: { key-auth: { key_in_query: true, hide_credentials: true } } }
  - { name: key-header-only, paths: [/key-header-only], service: api, plugins: { key-auth: { key_in_query: false } } }
  - { name: basic, paths: [/basic], service: api, plugins: { basic-auth: { realm: shop } } }
  - name: any
    paths: [/any]
    service: api
    plugins:
      jwt: { secret: "${SECRET}", issuer: iss }
      key-auth: {}
  - name: anon
    paths: [/anon]
    service: api
    plugins:
      jwt: { secret: "${SECRET}", issuer: iss, anonymous: anonymous }
      key-auth: {}
consumers:
  - username: alice
    id: user_42
    groups: [admins]
    credentials:
      key-auth: [{ key: "\${ALICE_KEY}" }]
      basic-auth: [{ username: alice, password_hash: "${aliceHash}" }]
  - username: bob
    id: user_7
    credentials:
      key-auth: [{ key_sha256: "${sha256Hex('bob-key')}" }]
  - { username: anonymous, id: anon }
`,
    { env: { ALICE_KEY: 'alice-key' } },
  );
});
after(async () => {
  await gw?.stop();
  await up.close();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const r = await request(`${gw.url}${path}`, { headers });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body: JSON.parse(text) as Record<string, any> };
}
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

test('key-auth: plain and hashed keys, in apikey or X-API-Key; hidden from the upstream', async () => {
  const a = await call('/key', { apikey: 'alice-key' });
  assert.equal(a.status, 200);
  assert.equal(a.body.headers['x-consumer-username'], 'alice');
  assert.equal(a.body.headers['x-consumer-groups'], 'admins');
  assert.equal(a.body.headers['x-credential-identifier'], 'key-auth:alice:0');
  assert.equal(a.body.headers.apikey, undefined);
  const b = await call('/key', { 'x-api-key': 'bob-key' });
  assert.equal(b.status, 200);
  assert.equal(b.body.headers['x-consumer-id'], 'user_7');
});

test('key-auth: one keep-alive connection, keys that change between requests are each looked up', async () => {
  const client = new Client(gw.url, { pipelining: 1 });
  try {
    const seq: [string, number, string?][] = [
      ['alice-key', 200, 'alice'],
      ['alice-key', 200, 'alice'],
      ['alice-ke', 401],
      ['alice-keyy', 401],
      ['bob-key', 200, 'bob'],
      ['alice-key', 200, 'alice'],
    ];
    for (const [key, status, user] of seq) {
      const r = await client.request({ path: '/key', method: 'GET', headers: { apikey: key } });
      const body = JSON.parse(await r.body.text()) as Record<string, any>;
      assert.equal(r.statusCode, status, key);
      if (user !== undefined) assert.equal(body.headers['x-consumer-username'], user);
    }
  } finally {
    await client.close();
  }
});

test('key-auth: the same key repeated is one key; two different ones in one header name are refused', async () => {
  const twice = (a: string, b: string) =>
    rawRequest(gw.port, `GET /key HTTP/1.1\r\nHost: x\r\napikey: ${a}\r\napikey: ${b}\r\nConnection: close\r\n\r\n`);
  assert.equal(statusOf(await twice('alice-key', 'alice-key')), 200);
  const two = await twice('alice-key', 'bob-key');
  assert.equal(statusOf(two), 401);
  assert.match(two, /send one API key/);
});

test('key-auth: unknown, missing and conflicting keys → 401 with a Key challenge', async () => {
  const before = up.seen.length;
  const bad = await call('/key', { apikey: 'nope' });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers['www-authenticate'], 'Key realm="portico"');
  assert.equal((await call('/key')).status, 401);
  assert.equal((await call('/key', { apikey: 'alice-key', 'x-api-key': 'bob-key' })).status, 401);
  assert.equal(up.seen.length, before);
});

test('key-auth: a query key works by default, is removed with hide_credentials, and is refused with key_in_query: false', async () => {
  const plain = await call('/key?apikey=alice-key&b=2');
  assert.equal(plain.status, 200);
  assert.equal(plain.body.headers['x-consumer-username'], 'alice');
  assert.equal((await call('/key-header-only?apikey=alice-key')).status, 401);
  assert.equal((await call('/key?apikey=alice-key', { apikey: 'bob-key' })).status, 401, 'a header and a query key that differ');
  const q = await call('/keyq?a=1&apikey=alice-key');
  assert.equal(q.status, 200);
  assert.equal(q.body.url, '/?a=1');
});

test('basic-auth: scrypt-verified password; wrong or unknown → 401 Basic challenge', async () => {
  const ok = await call('/basic', basic('alice', 'wonderland'));
  assert.equal(ok.status, 200);
  assert.equal(ok.body.headers['x-consumer-username'], 'alice');
  assert.equal((await call('/basic', basic('alice', 'wonderland'))).status, 200); // cached pair
  const wrong = await call('/basic', basic('alice', 'wrong'));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers['www-authenticate'], 'Basic realm="shop", charset="UTF-8"');
  assert.equal((await call('/basic', basic('mallory', 'wonderland'))).status, 401);
  assert.equal((await call('/basic')).status, 401);
  assert.equal((await call('/basic', { authorization: 'Basic !!!' })).status, 401);
});

test('any of them: JWT or API key; the most relevant refusal otherwise', async () => {
  const t = await sign({ iss: 'iss', sub: 'jwt-user', exp: nowS(60) }, { secret: SECRET, alg: 'HS256' });
  assert.equal((await call('/any', { authorization: `Bearer ${t}` })).body.headers['x-user-id'], 'jwt-user');
  assert.equal((await call('/any', { apikey: 'bob-key' })).body.headers['x-consumer-username'], 'bob');
  // A bad token but a good key: one of them is enough.
  assert.equal((await call('/any', { authorization: 'Bearer x.y.z', apikey: 'bob-key' })).status, 200);
  // Nothing: 401 offering both challenges.
  const none = await call('/any');
  assert.equal(none.status, 401);
  assert.deepEqual(String(none.headers['www-authenticate']).split(/,\s*(?=Bearer|Key)/), ['Bearer realm="portico"', 'Key realm="portico"']);
  // An invalid token beats a missing key.
  const invalid = await call('/any', { authorization: 'Bearer x.y.z' });
  assert.equal(invalid.status, 401);
  assert.match(String(invalid.headers['www-authenticate']), /error="invalid_token"/);
});

test('anonymous: no credentials continue as the anonymous consumer; bad ones do not', async () => {
  const a = await call('/anon', { 'x-consumer-username': 'alice', 'x-anonymous-consumer': 'false' });
  assert.equal(a.status, 200);
  assert.equal(a.body.headers['x-consumer-username'], 'anonymous');
  assert.equal(a.body.headers['x-anonymous-consumer'], 'true');
  const k = await call('/anon', { apikey: 'alice-key' });
  assert.equal(k.body.headers['x-consumer-username'], 'alice');
  assert.equal(k.body.headers['x-anonymous-consumer'], undefined);
  assert.equal((await call('/anon', { apikey: 'wrong' })).status, 401);
  assert.equal((await call('/anon', { authorization: 'Bearer x.y.z' })).status, 401);
});
