import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { generateKeyPairSync } from 'node:crypto';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { rawRequest } from '../helpers/raw.ts';

// Behaviours found by trying the issues as written, with default settings.
let up: FakeUpstream;
let gw: TestGateway;
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

before(async () => {
  up = await startUpstream();
  gw = await startGateway(`
services:
  - { name: s, url: "${up.url}" }
routes:
  - name: hs
    paths: [/hs]
    service: s
    plugins:
      jwt: { algorithms: [HS256], secret: "0123456789abcdef0123456789abcdef", issuer: https://issuer.example }
  - name: members
    paths: [/members]
    service: s
    plugins:
      key-auth: { anonymous: anonymous }
      acl: { allow: [admins] }
consumers:
  - { username: anonymous, id: anon }
  - username: alice
    id: user_42
    groups: [admins]
    credentials:
      key-auth: [{ key: alice-secret-key }]
      jwt: [{ issuer: "https://consumer.example", algorithm: RS256, public_key: ${JSON.stringify(rsaPem)} }]
`);
});
after(async () => {
  await gw.stop();
  await up.close();
});

test('a consumer jwt credential for an algorithm a route does not allow does not stop the config', async () => {
  const r = await request(`${gw.url}/hs`);
  assert.equal(r.statusCode, 401);
  await r.body.text();
});

test('a 100 KB token is rejected with 401 (not 431, not 500) under default limits', async () => {
  const r = await request(`${gw.url}/hs`, { headers: { authorization: `Bearer ${'a'.repeat(100 * 1024)}` } });
  assert.equal(r.statusCode, 401);
  assert.match(String(r.headers['www-authenticate']), /Bearer/);
  await r.body.text();
});

test('acl refusing an anonymous caller: 401 with the route auth challenge and a 401 error code', async () => {
  const r = await request(`${gw.url}/members`);
  assert.equal(r.statusCode, 401);
  assert.doesNotMatch(String(r.headers['www-authenticate']), /Bearer/);
  assert.equal(((await r.body.json()) as { error: string }).error, 'unauthorized');
  const ok = await request(`${gw.url}/members`, { headers: { apikey: 'alice-secret-key' } });
  assert.equal(ok.statusCode, 200);
  await ok.body.text();
});

test('requests refused by the HTTP parser still get an X-Request-ID header matching the body', async () => {
  const raw = await rawRequest(
    gw.port,
    'POST /hs HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  );
  const id = /x-request-id: ([^\r\n]+)/i.exec(raw)?.[1];
  assert.ok(id, raw);
  assert.ok(raw.includes(`"request_id":"${id}"`));
});

test('/upstreams shows in-flight and EWMA latency for a plain (unmanaged) service too', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const slow = await startUpstream(async (_req, res) => {
    await held;
    res.end('ok');
  });
  const g = await startGateway(`
services:
  - { name: plain, url: "${slow.url}" }
routes:
  - { name: r, paths: [/], service: plain }
`);
  try {
    const pending = request(`${g.url}/x`);
    let svc: any;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const list = (await (await request(`${g.adminUrl}/upstreams`)).body.json()) as any;
      svc = (Array.isArray(list) ? list : list.services).find((s: any) => s.name === 'plain');
      if (svc.in_flight === 1) break;
    }
    assert.equal(svc.in_flight, 1);
    assert.equal(svc.targets[0].in_flight, 1);
    release();
    await (await pending).body.text();
    const after = (await (await request(`${g.adminUrl}/upstreams`)).body.json()) as any;
    const s2 = (Array.isArray(after) ? after : after.services).find((s: any) => s.name === 'plain');
    assert.equal(s2.in_flight, 0);
    assert.ok(s2.targets[0].ewma_ms > 0);
  } finally {
    release();
    await g.stop();
    await slow.close();
  }
});
