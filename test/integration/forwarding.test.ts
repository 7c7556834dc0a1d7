import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { connect } from 'node:net';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';

let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(`
trusted_proxies: [127.0.0.0/8, 10.0.0.0/8]
services:
  - { name: s, url: "${up.url}" }
routes:
  - { name: r, paths: [/], service: s }
`);
});
after(async () => {
  await gw.stop();
  await up.close();
});

async function seenHeaders(headers: Record<string, string>) {
  const r = await request(`${gw.url}/x`, { headers });
  return ((await r.body.json()) as { headers: Record<string, string> }).headers;
}

test('from a trusted peer, X-Forwarded-For is appended and the client IP is the rightmost untrusted hop', async () => {
  const h = await seenHeaders({ 'x-forwarded-for': '203.0.113.7, 10.1.2.3', 'x-forwarded-proto': 'https' });
  assert.equal(h['x-forwarded-for'], '203.0.113.7, 10.1.2.3, 127.0.0.1');
  assert.equal(h['x-real-ip'], '203.0.113.7');
  assert.equal(h['x-forwarded-proto'], 'https');
  assert.match(h.forwarded ?? '', /for=127\.0\.0\.1/);
});

test('junk in a trusted chain is not believed', async () => {
  const h = await seenHeaders({ 'x-forwarded-for': 'not-an-ip, 203.0.113.9' });
  assert.equal(h['x-real-ip'], '203.0.113.9');
  const h2 = await seenHeaders({ 'x-forwarded-for': '203.0.113.9, garbage' });
  assert.equal(h2['x-real-ip'], '127.0.0.1');
});

test('forwarding headers spelled with underscores (X_Real_IP to CGI-style servers) never go upstream', async () => {
  const h = await seenHeaders({ x_real_ip: '10.9.9.9', x_forwarded_for: '10.9.9.9', 'x-forwarded_host': 'evil', x_trace: 'kept' });
  assert.equal(h.x_real_ip, undefined);
  assert.equal(h.x_forwarded_for, undefined);
  assert.equal(h['x-forwarded_host'], undefined);
  assert.equal(h.x_trace, 'kept');
  assert.equal(h['x-real-ip'], '127.0.0.1');
});

test('draining: idle keep-alive sockets close at once, in-flight answers carry Connection: close', async () => {
  const up2 = await startUpstream((_req, res) => {
    setTimeout(() => res.end('done'), 300);
  });
  const g = await startGateway(`
services:
  - { name: s, url: "${up2.url}" }
routes:
  - { name: r, paths: [/], service: s }
`);
  try {
    // An idle keep-alive connection: one finished request, then nothing.
    const idle = connect(g.port, '127.0.0.1');
    await new Promise<void>((r) => idle.once('connect', () => r()));
    idle.write('GET /idle HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((r) => idle.once('data', () => r()));
    const idleClosed = new Promise<void>((r) => idle.once('close', () => r()));
    idle.on('error', () => undefined);
    const inflight = request(`${g.url}/busy`);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = g.stop();
    await idleClosed; // closed by the drain, long before keep_alive_timeout
    const resp = await inflight;
    assert.equal(resp.statusCode, 200);
    assert.equal(resp.headers.connection, 'close');
    assert.equal(await resp.body.text(), 'done');
    await stopped;
  } finally {
    await up2.close();
  }
});
