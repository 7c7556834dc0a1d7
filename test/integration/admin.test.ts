import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';

let up: FakeUpstream;
let gw: TestGateway;

const config = (extraRoute = '') => `
admin:
  listen: 127.0.0.1:0
  token: \${ADMIN_TOKEN}
services:
  - name: users
    url: ${up.url}/users
routes:
  - name: users
    paths: [/v1/users]
    hosts: [api.example.com]
    service: users
  - name: users-v2
    paths: [/v1/users]
    hosts: [api.example.com]
    headers: { X-Version: "2" }
    service: users
    plugins:
      request-size-limiting: { max_body_size: 1kb }
${extraRoute}
consumers:
  - username: alice
    id: user_42
    credentials:
      key-auth: [{ key: super-secret-key }]
`;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(config(), { env: { ADMIN_TOKEN: 's3cret' } });
});
after(async () => {
  await gw.stop();
  await up.close();
});

const auth = { authorization: 'Bearer s3cret' };

async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const r = await request(`${gw.adminUrl}${path}`, {
    method: method as 'GET',
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, text };
}

test('admin requires the bearer token when one is set', async () => {
  const r = await admin('GET', '/status', undefined, {});
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.text).error, 'unauthorized');
  assert.equal((await admin('GET', '/status', undefined, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await admin('GET', '/status')).status, 200);
});

test('/health, /ready, /status', async () => {
  assert.equal((await admin('GET', '/health')).status, 200);
  assert.equal((await admin('GET', '/ready')).status, 200);
  const s = JSON.parse((await admin('GET', '/status')).text);
  assert.match(s.version, /^\d+\.\d+\.\d+/);
  assert.equal(typeof s.uptime_s, 'number');
  assert.match(s.config_hash, /^[0-9a-f]{16}$/);
  assert.ok(!Number.isNaN(Date.parse(s.loaded_at)));
});

test('/config shows the current config with secrets redacted', async () => {
  const r = await admin('GET', '/config');
  assert.equal(r.status, 200);
  assert.ok(!r.text.includes('super-secret-key'));
  assert.ok(!r.text.includes('s3cret'));
  const c = JSON.parse(r.text);
  assert.equal(c.routes[0].name, 'users');
});

test('/metrics is Prometheus text with route/service labels, never raw paths', async () => {
  await request(`${gw.url}/v1/users/123`, { headers: { host: 'api.example.com' } }).then((r) => r.body.text());
  await request(`${gw.url}/nothing/here/42`).then((r) => r.body.text());
  const r = await admin('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /text\/plain/);
  assert.match(r.text, /portico_requests_total\{route="users",service="users",status="200"\} \d+/);
  assert.match(r.text, /portico_request_duration_seconds_bucket\{/);
  assert.match(r.text, /portico_upstream_duration_seconds_bucket\{/);
  assert.match(r.text, /portico_requests_in_flight/);
  assert.match(r.text, /process_cpu_seconds_total/);
  assert.match(r.text, /portico_ratelimit_store_errors_total|portico_ratelimit_memory_keys/);
  assert.ok(!r.text.includes('/nothing/here/42'));
});

test('POST /explain names the winner, the upstream URL, the plugins, and why others lost', async () => {
  const r = await admin('POST', '/explain', {
    method: 'GET',
    url: 'http://api.example.com/v1/users/42?x=1',
    headers: { 'X-Version': '2' },
  });
  assert.equal(r.status, 200);
  const e = JSON.parse(r.text);
  assert.equal(e.route, 'users-v2');
  assert.equal(e.upstream_url, `${up.url}/users/42?x=1`);
  assert.deepEqual(e.plugins.map((p: { name: string }) => p.name), ['request-size-limiting']);
  const lost = e.candidates.find((c: { route: string }) => c.route === 'users');
  assert.equal(lost.outcome, 'lost');
  assert.match(lost.reason, /users-v2|predicate/);
  const nohdr = JSON.parse(
    (await admin('POST', '/explain', { method: 'GET', url: 'http://api.example.com/v1/users/42' })).text,
  );
  assert.equal(nohdr.route, 'users');
  const v2 = nohdr.candidates.find((c: { route: string }) => c.route === 'users-v2');
  assert.match(v2.reason, /x-version/i);
});

test('POST /explain with a bad body → 400 JSON', async () => {
  const r = await admin('POST', '/explain', { nope: true });
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.text).error, 'bad_request');
});

test('POST /reload swaps in a new config; a bad one is refused and the old keeps serving', async () => {
  // reload from text through the gateway (what POST /reload does for a file)
  const bad = await gw.reload(config().replace('service: users\n', 'service: nope\n'));
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.errors.some((e) => /nope/.test(e)));
  const still = await request(`${gw.url}/v1/users/1`, { headers: { host: 'api.example.com' } });
  assert.equal(still.statusCode, 200);
  await still.body.text();
  const good = await gw.reload(config(`  - { name: orders, paths: [/v1/orders], service: users }`));
  assert.equal(good.ok, true, JSON.stringify(good));
  const r = await request(`${gw.url}/v1/orders/9`);
  assert.equal(r.statusCode, 200);
  assert.equal(((await r.body.json()) as { url: string }).url, '/users/9');
  const s = JSON.parse((await admin('GET', '/status')).text);
  assert.equal(s.config_hash, good.ok ? good.hash : '');
});

test('unknown admin path → 404 JSON', async () => {
  const r = await admin('GET', '/nope');
  assert.equal(r.status, 404);
  assert.equal(JSON.parse(r.text).error, 'not_found');
});

test('malformed percent-encoding in an admin path or parameter → 400 JSON, not 500', async () => {
  for (const [method, path] of [
    ['GET', '/services/%ZZ/targets'],
    ['DELETE', '/services/users/targets/%E0%A4%A'],
    ['DELETE', '/services/users/targets?url=%E0%A4%A'],
    ['GET', '/consumers/%ZZ/usage'],
  ] as const) {
    const r = await admin(method, path);
    assert.equal(r.status, 400, `${method} ${path}: ${r.text}`);
    const body = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(body.error, 'bad_request');
    assert.equal(typeof body.request_id, 'string');
  }
  assert.equal((await admin('GET', '/health')).status, 200);
});
