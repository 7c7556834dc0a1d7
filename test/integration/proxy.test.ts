import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { rawRequest, statusOf } from '../helpers/raw.ts';

let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(`
services:
  - name: users
    url: ${up.url}/users
  - name: root
    url: ${up.url}
routes:
  - name: users
    paths: [/v1/users]
    service: users
  - name: keep
    paths: [/v1/keep]
    strip_path: false
    service: root
  - name: host
    paths: [/v1/host]
    preserve_host: true
    service: root
`);
});
after(async () => {
  await gw.stop();
  await up.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const r = await request(`${gw.url}${path}`, { headers });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

test('proxies to the service path with the rest after the prefix and keeps the query', async () => {
  const r = await get('/v1/users/123?x=1&y=2');
  assert.equal(r.status, 200);
  assert.equal(r.json().url, '/users/123?x=1&y=2');
  assert.equal(r.headers['x-upstream'], 'yes');
});

test('the prefix itself maps to the service path', async () => {
  assert.equal((await get('/v1/users')).json().url, '/users');
});

test('prefix matches on a segment boundary only', async () => {
  const r = await get('/v1/usersX');
  assert.equal(r.status, 404);
  const body = r.json();
  assert.equal(body.error, 'no_route');
  assert.equal(typeof body.message, 'string');
  assert.equal(body.request_id, r.headers['x-request-id']);
});

test('strip_path: false forwards the full path', async () => {
  assert.equal((await get('/v1/keep/a')).json().url, '/v1/keep/a');
});

test('preserve_host decides the Host sent upstream', async () => {
  const kept = await get('/v1/host', { host: 'api.example.com' });
  assert.equal(kept.json().headers.host, 'api.example.com');
  const replaced = await get('/v1/users/1', { host: 'api.example.com' });
  assert.equal(replaced.json().headers.host, `127.0.0.1:${up.port}`);
});

test('X-Request-ID is generated, sent upstream and returned', async () => {
  const r = await get('/v1/users/1');
  const id = r.headers['x-request-id'];
  assert.match(String(id), /^[0-9a-f-]{36}$/);
  assert.equal(r.json().headers['x-request-id'], id);
});

test('a sane client X-Request-ID is kept, an insane one replaced', async () => {
  const r = await get('/v1/users/1', { 'x-request-id': 'abc-123' });
  assert.equal(r.headers['x-request-id'], 'abc-123');
  assert.equal(r.json().headers['x-request-id'], 'abc-123');
  const bad = await get('/v1/users/1', { 'x-request-id': 'a b"c' + 'x'.repeat(300) });
  assert.notEqual(bad.headers['x-request-id'], 'a b"c');
  assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});

test('X-Forwarded-* from an untrusted peer are replaced, never appended', async () => {
  const r = await get('/v1/users/1', {
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example',
    'x-real-ip': '6.6.6.6',
    forwarded: 'for=6.6.6.6',
  });
  const h = r.json().headers;
  assert.equal(h['x-forwarded-for'], '127.0.0.1');
  assert.equal(h['x-forwarded-proto'], 'http');
  assert.equal(h['x-forwarded-host'], `127.0.0.1:${gw.port}`);
  assert.equal(h['x-forwarded-port'], String(gw.port));
  assert.equal(h['x-real-ip'], '127.0.0.1');
  assert.ok(!String(h.forwarded).includes('6.6.6.6'));
});

test('hop-by-hop headers are stripped both ways', async () => {
  up.behave((_req, res) => {
    res.writeHead(200, { connection: 'x-secret-hop, keep-alive', 'x-secret-hop': '1', 'keep-alive': 'timeout=5', 'x-fine': '1' });
    res.end('ok');
  });
  try {
    const raw = await rawRequest(
      gw.port,
      'GET /v1/users/1 HTTP/1.1\r\nHost: a\r\nConnection: x-drop-me, close\r\nX-Drop-Me: yes\r\nTE: trailers\r\n' +
        'Proxy-Authorization: Basic eA==\r\nX-Keep: 1\r\n\r\n',
    );
    assert.equal(statusOf(raw), 200);
    const seen = up.seen.at(-1)!.headers;
    assert.equal(seen['x-drop-me'], undefined);
    assert.equal(seen['proxy-authorization'], undefined);
    assert.equal(seen.te, undefined);
    assert.equal(seen['x-keep'], '1');
    assert.ok(!/x-secret-hop/i.test(raw));
    assert.ok(!/keep-alive: timeout/i.test(raw));
    assert.match(raw, /x-fine: 1/i);
  } finally {
    up.behave((await import('../helpers/upstream.ts')).echo);
  }
});

test('request and response bodies stream both ways', async () => {
  const size = 5 * 1024 * 1024;
  const r = await request(`${gw.url}/v1/users/upload`, { method: 'POST', body: Buffer.alloc(size, 97) });
  const body = (await r.body.json()) as { bytes: number };
  assert.equal(r.statusCode, 200);
  assert.equal(body.bytes, size);
});
