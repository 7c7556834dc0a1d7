import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { request } from 'undici';
import { startGateway } from '../helpers/gateway.ts';
import { startControlled, spread, until, type Controlled } from '../helpers/fleet.ts';
import { definePlugin } from '../../src/sdk/plugin.ts';
import { Type } from '@sinclair/typebox';

let stable: Controlled;
let canary: Controlled;
let shadow: Controlled;

before(async () => {
  [stable, canary, shadow] = await Promise.all([startControlled('stable'), startControlled('canary'), startControlled('shadow')]);
});
after(async () => {
  await Promise.all([stable.close(), canary.close(), shadow.close()]);
});

const services = (): string => `
services:
  - { name: stable, url: ${stable.url} }
  - { name: canary, url: ${canary.url} }
  - { name: shadow, url: ${shadow.url} }
`;

/** A test auth plugin: the X-Consumer header names the consumer. */
const headerConsumer = definePlugin({
  name: 'test-header-consumer',
  priority: 1000,
  schema: Type.Object({}),
  create() {
    return {
      onAccess(ctx) {
        const id = ctx.headers['x-consumer'];
        if (typeof id === 'string') ctx.consumer = { id, username: id, groups: [] };
      },
    };
  },
});

test('weighted split 90/10 within 4 points over 1000 requests', async () => {
  const gw = await startGateway(`${services()}
routes:
  - name: r
    paths: [/]
    services: [{ name: stable, weight: 90 }, { name: canary, weight: 10 }]
`);
  try {
    const t = await spread(`${gw.url}/x`, 1000, { concurrency: 8 });
    const share = (t.get('canary') ?? 0) / 1000;
    assert.ok(Math.abs(share - 0.1) < 0.04, `canary share ${share}`);
    assert.equal((t.get('stable') ?? 0) + (t.get('canary') ?? 0), 1000);
  } finally {
    await gw.stop();
  }
});

test('sticky cookie: a new user gets the cookie naming their side and stays there', async () => {
  const gw = await startGateway(`${services()}
routes:
  - name: r
    paths: [/]
    services: [{ name: stable, weight: 50 }, { name: canary, weight: 50 }]
    sticky: cookie:side
`);
  try {
    const sides = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const first = await request(`${gw.url}/x`);
      const cookie = String(first.headers['set-cookie']);
      const side = ((await first.body.json()) as { name: string }).name;
      assert.match(cookie, new RegExp(`^side=${side}; Path=/; HttpOnly`));
      sides.add(side);
      for (let j = 0; j < 5; j++) {
        const again = await request(`${gw.url}/x`, { headers: { cookie: `side=${side}` } });
        assert.equal(again.headers['set-cookie'], undefined);
        assert.equal(((await again.body.json()) as { name: string }).name, side);
      }
    }
    // A session cookie of another value is hashed: the same value, the same side.
    const owners = new Set<string>();
    for (let j = 0; j < 5; j++) {
      const r = await request(`${gw.url}/x`, { headers: { cookie: 'side=session-abc' } });
      owners.add(((await r.body.json()) as { name: string }).name);
    }
    assert.equal(owners.size, 1);
  } finally {
    await gw.stop();
  }
});

test('sticky by consumer: each consumer always lands on the same side', async () => {
  const gw = await startGateway(
    `${services()}
routes:
  - name: r
    paths: [/]
    services: [{ name: stable, weight: 50 }, { name: canary, weight: 50 }]
    sticky: consumer
    plugins: { test-header-consumer: {} }
`,
    { plugins: [headerConsumer] },
  );
  try {
    const seen = new Set<string>();
    for (let u = 0; u < 20; u++) {
      const sides = new Set<string>();
      for (let j = 0; j < 4; j++) {
        const r = await request(`${gw.url}/x`, { headers: { 'x-consumer': `user-${u}` } });
        sides.add(((await r.body.json()) as { name: string }).name);
      }
      assert.equal(sides.size, 1, `user-${u}`);
      seen.add([...sides][0]!);
    }
    assert.equal(seen.size, 2, 'consumers spread over both sides');
  } finally {
    await gw.stop();
  }
});

test('mirroring copies requests, and a hanging or dead mirror never affects the real one', async () => {
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  const deadPort = (tmp.address() as { port: number }).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  const gw = await startGateway(`${services()}
  - { name: dead, url: http://127.0.0.1:${deadPort} }
routes:
  - { name: r, paths: [/m], strip_path: false, service: stable, mirror: { service: shadow, percent: 100 } }
  - { name: d, paths: [/d], service: stable, mirror: { service: dead } }
`);
  try {
    shadow.mode = { kind: 'hang' };
    shadow.hits = 0;
    const t = await spread(`${gw.url}/m`, 20, { concurrency: 4 });
    assert.equal(t.get('stable'), 20);
    await until(() => shadow.hits === 20, 5000, 'mirror copies');
    assert.ok(shadow.seen.every((s) => s.path === '/m'));
    const d = await spread(`${gw.url}/d`, 10);
    assert.equal(d.get('stable'), 10);
    // Requests with a streamed body are not mirrored (only bodyless or buffered ones are).
    const before = shadow.hits;
    const res = await request(`${gw.url}/m`, { method: 'POST', body: 'x'.repeat(10) });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
    assert.equal(shadow.hits, before);
  } finally {
    shadow.mode = { kind: 'ok' };
    await gw.stop();
  }
});

test('config checks: unknown split/mirror services, service and services together, sticky without split', async () => {
  await assert.rejects(
    startGateway(`${services()}
routes:
  - { name: a, paths: [/a], services: [{ name: nope }] }
  - { name: b, paths: [/b], service: stable, services: [{ name: canary }] }
  - { name: c, paths: [/c], service: stable, sticky: consumer }
  - { name: d, paths: [/d], service: stable, mirror: { service: ghost } }
`),
    (err: Error & { issues?: { message: string; path: (string | number)[] }[] }) => {
      const text = JSON.stringify(err.issues ?? err.message);
      assert.match(text, /unknown service \\"nope\\"/);
      assert.match(text, /at most one of service or services/);
      assert.match(text, /needs a weighted split/);
      assert.match(text, /unknown service \\"ghost\\"/);
      return true;
    },
  );
});
