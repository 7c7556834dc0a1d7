import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createServer, type Server } from 'node:net';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, echo, type FakeUpstream } from '../helpers/upstream.ts';
import { rawRequest, statusOf, jsonBodyOf } from '../helpers/raw.ts';

let up: FakeUpstream;
let gw: TestGateway;
let closedPort: number;
let poison: Server;
let poisonPort: number;

before(async () => {
  up = await startUpstream();
  // A port with nothing listening: bind, read the port, close.
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as { port: number }).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  // An upstream that answers, then writes an unsolicited response onto the idle keep-alive connection.
  poison = createServer((sock) => {
    let n = 0;
    sock.on('data', () => {
      n++;
      const body = `{"n":${n}}`;
      sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\n\r\n${body}`);
      setTimeout(() => {
        if (!sock.destroyed) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npoisoned');
      }, 30);
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => poison.listen(0, '127.0.0.1', r));
  poisonPort = (poison.address() as { port: number }).port;
  gw = await startGateway(`
max_body_size: 1mb
services:
  - name: up
    url: ${up.url}
    timeouts: { connect: 1s, read: 300ms }
  - name: down
    url: http://127.0.0.1:${closedPort}
  - name: poison
    url: http://127.0.0.1:${poisonPort}
routes:
  - { name: up, paths: [/up], service: up }
  - { name: down, paths: [/down], service: down }
  - { name: poison, paths: [/poison], service: poison }
`);
});
after(async () => {
  await gw.stop();
  await up.close();
  await new Promise<void>((r) => poison.close(() => r()));
  poison.unref();
});

async function call(path: string, opts: Parameters<typeof request>[1] = {}) {
  const r = await request(`${gw.url}${path}`, opts);
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body: JSON.parse(text) as Record<string, unknown> };
}

test('connection refused → 502 JSON', async () => {
  const r = await call('/down');
  assert.equal(r.status, 502);
  assert.equal(r.body.error, 'bad_gateway');
  assert.equal(r.body.request_id, r.headers['x-request-id']);
});

test('upstream too slow → 504 JSON', async () => {
  up.behave((_req, res) => {
    setTimeout(() => res.end('late'), 1500).unref();
  });
  try {
    const r = await call('/up');
    assert.equal(r.status, 504);
    assert.equal(r.body.error, 'gateway_timeout');
  } finally {
    up.behave(echo);
  }
});

test('upstream reset → 502', async () => {
  up.behave((req) => {
    req.socket.destroy();
  });
  try {
    assert.equal((await call('/up')).status, 502);
  } finally {
    up.behave(echo);
  }
});

test('body over max_body_size with Content-Length → 413 before the upstream', async () => {
  const before = up.seen.length;
  const r = await call('/up', { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024) });
  assert.equal(r.status, 413);
  assert.equal(r.body.error, 'payload_too_large');
  assert.equal(up.seen.length, before);
});

test('chunked body over max_body_size → 413', async () => {
  async function* chunks() {
    for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, 1);
  }
  const r = await call('/up', { method: 'POST', body: Readable.from(chunks()) });
  assert.equal(r.status, 413);
});

test('upstream dying mid-body aborts the client response instead of a clean truncation', async () => {
  up.behave((_req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write(Buffer.alloc(1000));
    setTimeout(() => res.socket?.destroy(), 20);
  });
  try {
    const r = await request(`${gw.url}/up`);
    await assert.rejects(r.body.arrayBuffer());
  } finally {
    up.behave(echo);
  }
});

test('upstream dying mid chunked body: the client never sees a terminating chunk', async () => {
  up.behave((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  try {
    const raw = await rawRequest(gw.port, 'GET /up HTTP/1.1\r\nHost: gw\r\n\r\n', 800);
    assert.equal(statusOf(raw), 200);
    assert.ok(!raw.endsWith('0\r\n\r\n'), 'must not look complete');
  } finally {
    up.behave(echo);
  }
});

test('client abort aborts the upstream request', async () => {
  let closed = false;
  let release!: () => void;
  const upstreamClosed = new Promise<void>((r) => (release = r));
  up.behave((req, res) => {
    res.writeHead(200);
    res.write('start');
    res.on('close', () => {
      closed = true;
      release();
    });
    void req;
  });
  try {
    const raw = rawRequest(gw.port, 'GET /up HTTP/1.1\r\nHost: gw\r\n\r\n', 100);
    await raw;
    await upstreamClosed;
    assert.ok(closed);
  } finally {
    up.behave(echo);
  }
});

test('a response written onto an idle pooled connection is never handed to a later request', async () => {
  const first = await request(`${gw.url}/poison`);
  assert.deepEqual(await first.body.json(), { n: 1 });
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 3; i++) {
    const r = await request(`${gw.url}/poison`);
    const text = await r.body.text();
    assert.ok(!text.includes('poisoned'), text);
  }
});

test('JSON error bodies everywhere: 404', async () => {
  const raw = await rawRequest(gw.port, 'GET /nope HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(raw), 404);
  assert.match(raw, /content-type: application\/json/i);
  assert.equal(jsonBodyOf(raw).error, 'no_route');
});
