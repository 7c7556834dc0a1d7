import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startCli, freePort, tempDir, type Running } from '../helpers/cli.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';

/**
 * The features that make requests of their own (active health checks, mirroring, forward-auth, OAuth2
 * introspection), run by `portico start` in a process of its own. This test process loads undici's index
 * (which adds the promise API to every undici dispatcher); the gateway must not depend on that happening.
 */
let healthy: FakeUpstream;
let sick: FakeUpstream;
let shadow: FakeUpstream;
let authService: FakeUpstream;
let idp: FakeUpstream;
let gw: Running;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let base: string;

before(async () => {
  healthy = await startUpstream();
  sick = await startUpstream((req, res) => {
    if (req.url === '/health') {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'x-from': 'sick' }).end('{"from":"sick"}');
  });
  shadow = await startUpstream();
  authService = await startUpstream((req, res) => {
    if (req.headers.authorization === 'Bearer ok') res.writeHead(200, { 'x-user-id': 'fa-user' }).end();
    else res.writeHead(403, { 'content-type': 'text/plain' }).end('denied by the auth service');
  });
  idp = await startUpstream(async (req, res) => {
    let body = '';
    for await (const c of req as AsyncIterable<Buffer>) body += c.toString();
    const active = new URLSearchParams(body).get('token') === 'good';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(active ? { active, sub: 'idp-user' } : { active }));
  });
  tmp = await tempDir();
  const port = await freePort();
  const adminPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  const file = await tmp.write(
    'standalone.yaml',
    `listen:
  - address: 127.0.0.1:${port}
admin:
  listen: 127.0.0.1:${adminPort}
services:
  - name: pair
    targets: [{ url: "${healthy.url}" }, { url: "${sick.url}" }]
    health:
      active: { path: /health, interval: 100ms, timeout: 1s, healthy: 1, unhealthy: 1 }
  - { name: plain, url: "${healthy.url}" }
  - { name: shadow, url: "${shadow.url}" }
routes:
  - { name: pair, paths: [/pair], service: pair }
  - { name: mirrored, paths: [/mirrored], service: plain, mirror: { service: shadow, percent: 100 } }
  - name: fa
    paths: [/fa]
    service: plain
    plugins:
      forward-auth: { url: "${authService.url}/check", request_headers: [authorization], response_headers: [X-User-ID], fail: open }
  - name: intro
    paths: [/intro]
    service: plain
    plugins:
      oauth2-introspection: { introspection_url: "${idp.url}/introspect", client_id: gw, client_secret: s3cret }
`,
  );
  gw = await startCli(['start', '--config', file], async () => {
    const r = await request(`http://127.0.0.1:${adminPort}/ready`);
    await r.body.text();
    return r.statusCode === 200;
  });
});

after(async () => {
  await gw?.stop();
  await Promise.all([healthy, sick, shadow, authService, idp].map((u) => u?.close()));
  await tmp?.cleanup();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const r = await request(`${base}${path}`, { headers });
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
}

test('active health checks probe the targets and take the failing one out', async () => {
  for (let i = 0; i < 100 && !sick.seen.some((s) => s.url === '/health'); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(healthy.seen.some((s) => s.url === '/health'), 'the healthy target was probed');
  for (let i = 0; i < 10; i++) {
    const r = await get('/pair/x');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-from'], undefined, 'no request reaches the target that fails its checks');
  }
});

test('mirroring sends a copy to the mirror service', async () => {
  assert.equal((await get('/mirrored/copy-me')).status, 200);
  // The route strips its prefix (strip_path defaults to true), for the mirror as for the service.
  for (let i = 0; i < 100 && !shadow.seen.some((s) => s.url === '/copy-me'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    shadow.seen.map((s) => s.url),
    ['/copy-me'],
  );
});

test('forward-auth asks the auth service: 2xx continues with its headers, a refusal goes to the client', async () => {
  const ok = await get('/fa/a', { authorization: 'Bearer ok' });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.text) as { headers: Record<string, string> }).headers['x-user-id'], 'fa-user');
  // fail: open only covers an unreachable auth service: its refusals still stand.
  const no = await get('/fa/a', { authorization: 'Bearer deny' });
  assert.equal(no.status, 403);
  assert.equal(no.text, 'denied by the auth service');
  assert.equal(authService.seen.length, 2);
});

test('oauth2-introspection asks the endpoint: active passes, inactive is refused', async () => {
  const ok = await get('/intro/a', { authorization: 'Bearer good' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((JSON.parse(ok.text) as { headers: Record<string, string> }).headers['x-user-id'], 'idp-user');
  assert.equal((await get('/intro/a', { authorization: 'Bearer bad' })).status, 401);
  assert.equal(idp.seen.length, 2);
});

