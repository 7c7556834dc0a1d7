import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { rawRequest, statusOf, jsonBodyOf } from '../helpers/raw.ts';
import { connect } from 'node:net';

let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(`
max_headers: 20
max_uri_length: 2kb
max_header_size: 8kb
services:
  - name: s
    url: ${up.url}
routes:
  - name: public
    paths: [/v1/public]
    strip_path: false
    service: s
  - name: admin
    paths: [/v1/admin]
    strip_path: false
    service: s
    plugins:
      request-termination: { status: 403, message: "admin is closed" }
`);
});
after(async () => {
  await gw.stop();
  await up.close();
});

function req(target: string, extra = ''): string {
  return `GET ${target} HTTP/1.1\r\nHost: gw\r\n${extra}Connection: close\r\n\r\n`;
}

/** Sends a raw request and asserts the status, that the body is our JSON error, and the upstream saw nothing. */
async function refused(data: string, status: number): Promise<Record<string, unknown>> {
  const before = up.seen.length;
  const raw = await rawRequest(gw.port, data);
  assert.equal(statusOf(raw), status, raw.slice(0, 300));
  assert.equal(up.seen.length, before, 'upstream must never see a refused request');
  const body = jsonBodyOf(raw);
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.request_id, 'string');
  return body;
}

test('dot-segments are resolved before routing: traversal reaches only what /v1/admin reaches', async () => {
  for (const p of ['/v1/public/../admin', '/v1/public/%2e%2e/admin', '/v1/public/%2E%2E/admin', '/v1//public/./../admin', '/v1/x/%2e%2e/admin']) {
    const raw = await rawRequest(gw.port, req(p));
    assert.equal(statusOf(raw), 403, p);
    assert.match(raw, /admin is closed/);
  }
});

test('/v1/%2e%2e/admin resolves to /admin (RFC 3986), never to the public route', async () => {
  const raw = await rawRequest(gw.port, req('/v1/%2e%2e/admin'));
  assert.equal(statusOf(raw), 404);
  assert.equal(jsonBodyOf(raw).error, 'no_route');
});

test('normalized path is what the upstream sees', async () => {
  const raw = await rawRequest(gw.port, req('/v1/public//a/./b/%7Euser'));
  assert.equal(statusOf(raw), 200);
  assert.equal(up.seen.at(-1)!.url, '/v1/public/a/b/~user');
});

test('unsafe paths are refused with 400', async () => {
  for (const p of ['/v1/public/a%2Fb', '/v1/public/a%5Cb', '/v1/public/a%00b', '/v1/public/..;x/admin', '/v1/public/%2e%2e;/admin', '/v1/public/a#frag', '/v1/public/a\\b']) {
    await refused(req(p), 400);
  }
});

test('Content-Length together with Transfer-Encoding is refused', async () => {
  await refused(
    'POST /v1/public HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    400,
  );
});

test('Transfer-Encoding other than a final chunked is refused', async () => {
  await refused('POST /v1/public HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n', 400);
  await refused(
    'POST /v1/public HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked, identity\r\nConnection: close\r\n\r\n',
    400,
  );
});

test('Transfer-Encoding on HTTP/1.0 is refused', async () => {
  await refused('POST /v1/public HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400);
});

test('duplicate Host is refused', async () => {
  await refused('GET /v1/public HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n', 400);
});

test('CONNECT (a forward-proxy tunnel) → 405 JSON, never a tunnel', async () => {
  const body = await refused(`CONNECT 127.0.0.1:${up.port} HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\n\r\n`, 405);
  assert.equal(body.error, 'method_not_allowed');
  // A client that resets right after its CONNECT must not take the process down (an unhandled socket error).
  for (let i = 0; i < 5; i++) {
    const s = connect(gw.port, '127.0.0.1');
    s.on('error', () => {});
    await new Promise<void>((r) => s.on('connect', () => r()));
    s.write('CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n');
    await new Promise((r) => setImmediate(r));
    s.resetAndDestroy();
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(statusOf(await rawRequest(gw.port, 'GET /v1/public/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n')), 200);
});

test('absolute-form target disagreeing with Host is refused; agreeing is fine', async () => {
  await refused('GET http://other.example/v1/public HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n', 400);
  const raw = await rawRequest(gw.port, 'GET http://gw/v1/public/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(raw), 200);
  assert.equal(up.seen.at(-1)!.url, '/v1/public/x');
});

test('HTTP/0.9 is refused', async () => {
  const raw = await rawRequest(gw.port, 'GET /v1/public\r\n');
  assert.notEqual(statusOf(raw), 200);
});

test('more headers than max_headers is 400, not silently truncated', async () => {
  let extra = '';
  for (let i = 0; i < 25; i++) extra += `X-H${i}: ${i}\r\n`;
  await refused(req('/v1/public', extra), 400);
});

test('headers too large → 431, URI too long → 414', async () => {
  await refused(req('/v1/public', `X-Big: ${'a'.repeat(10_000)}\r\n`), 431);
  await refused(req(`/v1/public/${'a'.repeat(3000)}`), 414);
});

test('a non-WebSocket Upgrade (h2c) is never tunnelled', async () => {
  const raw = await rawRequest(
    gw.port,
    'GET /v1/public HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n',
  );
  assert.equal(statusOf(raw), 200);
  const seen = up.seen.at(-1)!.headers;
  assert.equal(seen.upgrade, undefined);
  assert.equal(seen['http2-settings'], undefined);
});

test('the refusal body names the request id it was given in X-Request-ID', async () => {
  const raw = await rawRequest(gw.port, req('/v1/public/a%2Fb'));
  const body = jsonBodyOf(raw);
  const m = /x-request-id: ([^\r\n]+)/i.exec(raw);
  assert.ok(m);
  assert.equal(body.request_id, m[1]);
});
