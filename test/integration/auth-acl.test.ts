import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { sign, nowS } from '../helpers/tokens.ts';

const SECRET = 'acl-test-hmac-secret-with-32-bytes-or-more';
let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(`
services:
  - { name: api, url: ${up.url} }
routes:
  - { name: admin, paths: [/admin], service: api, plugins: { key-auth: {}, acl: { allow: [admins] } } }
  - { name: deny, paths: [/deny], service: api, plugins: { key-auth: {}, acl: { deny: [blocked] } } }
  - name: users
    paths: [/users]
    service: api
    plugins:
      jwt: { secret: "${SECRET}", issuer: iss }
      key-auth: {}
      acl: { scopes: { GET: [read:users], POST: [write:users] } }
  - { name: all, paths: [/all], service: api, plugins: { jwt: { secret: "${SECRET}", issuer: iss }, acl: { scopes: [a, b] } } }
  - { name: anon, paths: [/anon], service: api, plugins: { key-auth: { anonymous: anonymous }, acl: { allow: [admins] } } }
consumers:
  - { username: alice, id: a1, groups: [admins], scopes: [read:users], credentials: { key-auth: [{ key: alice-key }] } }
  - { username: carol, id: c1, groups: [staff, blocked], credentials: { key-auth: [{ key: carol-key }] } }
  - { username: anonymous, id: anon }
`);
});
after(async () => {
  await gw?.stop();
  await up.close();
});

async function call(path: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' | 'DELETE' | 'HEAD' = 'GET') {
  const r = await request(`${gw.url}${path}`, { headers, method });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}
const token = (scope: string) => sign({ iss: 'iss', sub: 'u', exp: nowS(60), scope }, { secret: SECRET, alg: 'HS256' });

test('allow: only listed groups get in (403 otherwise)', async () => {
  assert.equal((await call('/admin', { apikey: 'alice-key' })).status, 200);
  const r = await call('/admin', { apikey: 'carol-key' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error, 'forbidden');
  assert.equal((await call('/admin')).status, 401);
});

test('deny: listed groups are kept out', async () => {
  assert.equal((await call('/deny', { apikey: 'alice-key' })).status, 200);
  assert.equal((await call('/deny', { apikey: 'carol-key' })).status, 403);
});

test('scopes per method: 403 names the missing scope', async () => {
  const read = await token('read:users');
  assert.equal((await call('/users', { authorization: `Bearer ${read}` })).status, 200);
  assert.equal((await call('/users', { authorization: `Bearer ${read}` }, 'HEAD')).status, 200);
  const post = await call('/users', { authorization: `Bearer ${read}` }, 'POST');
  assert.equal(post.status, 403);
  assert.equal(post.body.error, 'insufficient_scope');
  assert.match(post.body.message, /write:users/);
  assert.equal(post.headers['www-authenticate'], 'Bearer error="insufficient_scope", scope="write:users"');
  const both = await token('read:users write:users');
  assert.equal((await call('/users', { authorization: `Bearer ${both}` }, 'POST')).status, 200);
  // A method without an entry needs no scope.
  assert.equal((await call('/users', { authorization: `Bearer ${read}` }, 'DELETE')).status, 200);
});

test('scopes as a list: every one is required', async () => {
  assert.equal((await call('/all', { authorization: `Bearer ${await token('a b')}` })).status, 200);
  const r = await call('/all', { authorization: `Bearer ${await token('a')}` });
  assert.equal(r.status, 403);
  assert.match(r.body.message, /"b"/);
});

test('anonymous consumers are not authenticated: 401, not 403', async () => {
  const r = await call('/anon');
  assert.equal(r.status, 401);
  assert.ok(r.headers['www-authenticate']);
  assert.equal((await call('/anon', { apikey: 'alice-key' })).status, 200);
});

test('JWT or API key: an API key has its consumer\'s scopes; the upstream gets X-User-ID and X-Scopes either way', async () => {
  const r = await call('/users', { apikey: 'alice-key' });
  assert.equal(r.status, 200);
  assert.equal(r.body.headers['x-user-id'], 'a1');
  assert.equal(r.body.headers['x-scopes'], 'read:users');
  const post = await call('/users', { apikey: 'alice-key' }, 'POST');
  assert.equal(post.status, 403);
  assert.match(post.body.message, /missing scope "write:users"/);
  // A consumer with no scopes has none: carol's key gets in nowhere that needs one.
  assert.equal((await call('/users', { apikey: 'carol-key' })).status, 403);
  const viaToken = await call('/users', { authorization: `Bearer ${await token('read:users')}` });
  assert.equal(viaToken.body.headers['x-user-id'], 'u');
});
