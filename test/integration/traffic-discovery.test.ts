import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startGateway } from '../helpers/gateway.ts';
import { startControlled, spread, until, type Controlled } from '../helpers/fleet.ts';
import { dnsHooks, type DnsResolver } from '../../src/upstream/discovery/dns.ts';

let a: Controlled;
let b: Controlled;
let dir: string;

before(async () => {
  [a, b] = await Promise.all([startControlled('a'), startControlled('b')]);
  dir = await mkdtemp(join(tmpdir(), 'portico-targets-'));
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** A resolver answering from a table the test edits; counts lookups. */
function fakeResolver(): DnsResolver & { a: Map<string, { address: string; ttl: number }[]>; srv: Map<string, { name: string; port: number; priority: number; weight: number }[]>; lookups: number } {
  const r = {
    a: new Map<string, { address: string; ttl: number }[]>(),
    srv: new Map<string, { name: string; port: number; priority: number; weight: number }[]>(),
    lookups: 0,
    resolve4: async (name: string) => {
      r.lookups++;
      const v = r.a.get(name);
      if (!v) throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return v;
    },
    resolve6: async (name: string) => {
      throw Object.assign(new Error(`queryAaaa ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
    resolveSrv: async (name: string) => {
      r.lookups++;
      const v = r.srv.get(name);
      if (!v) throw Object.assign(new Error(`querySrv ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return v;
    },
  };
  return r;
}

async function withResolver<T>(r: DnsResolver, fn: () => Promise<T>): Promise<T> {
  const orig = dnsHooks.createResolver;
  dnsHooks.createResolver = () => r;
  try {
    return await fn();
  } finally {
    dnsHooks.createResolver = orig;
  }
}

test('DNS SRV: targets with their ports and weights, Host is the service domain', async () => {
  const r = fakeResolver();
  r.srv.set('_http._tcp.users.internal', [
    { name: 'node1.internal', port: a.port, priority: 10, weight: 3 },
    { name: 'node2.internal', port: b.port, priority: 10, weight: 1 },
    { name: 'backup.internal', port: 1, priority: 20, weight: 1 },
  ]);
  r.a.set('node1.internal', [{ address: '127.0.0.1', ttl: 30 }]);
  r.a.set('node2.internal', [{ address: '127.0.0.1', ttl: 30 }]);
  await withResolver(r, async () => {
    const gw = await startGateway(`
services:
  - name: users
    discovery: { dns: _http._tcp.users.internal, type: SRV }
routes:
  - { name: r, paths: [/], service: users }
`);
    try {
      const t = await spread(`${gw.url}/x`, 40);
      assert.equal(t.get('a'), 30);
      assert.equal(t.get('b'), 10);
      const targets = (await (await request(`${gw.adminUrl}/services/users/targets`)).body.json()) as { url: string; weight: number; source: string }[];
      assert.deepEqual(
        targets.map((x) => [x.url, x.weight, x.source]).sort(),
        [[a.url, 3, 'dns'], [b.url, 1, 'dns']].sort(),
      );
      const hosts = gw.instance.gateway.pools.service('users')!.targets.map((x) => x.hostHeader);
      assert.deepEqual(hosts.sort(), [`users.internal:${a.port}`, `users.internal:${b.port}`].sort());
    } finally {
      await gw.stop();
    }
  });
});

test('DNS A: re-resolved when the TTL runs out; a failed lookup keeps the last targets', async () => {
  const r = fakeResolver();
  r.a.set('api.internal', [{ address: '127.0.0.1', ttl: 1 }]);
  await withResolver(r, async () => {
    const gw = await startGateway(`
services:
  - name: api
    discovery: { dns: api.internal, port: ${a.port}, refresh: 1m }
routes:
  - { name: r, paths: [/], service: api }
`);
    try {
      assert.equal((await spread(`${gw.url}/x`, 4)).get('a'), 4);
      const before = r.lookups;
      r.a.delete('api.internal');
      // TTL 1s (not the 1m refresh) decides when to ask again.
      await until(() => r.lookups > before, 5000, 'a second lookup');
      assert.equal((await spread(`${gw.url}/x`, 2)).get('a'), 2);
    } finally {
      await gw.stop();
    }
  });
});

test('targets file: read at start, changes applied, a malformed file keeps the last targets', async () => {
  const file = join(dir, 'targets.json');
  await writeFile(file, JSON.stringify([{ url: a.url, weight: 1 }]));
  const gw = await startGateway(`
services:
  - name: f
    discovery: { file: ${file} }
routes:
  - { name: r, paths: [/], service: f }
`);
  try {
    assert.equal((await spread(`${gw.url}/x`, 4)).get('a'), 4);
    const s = gw.instance.gateway.pools.service('f')!;
    const tmp = join(dir, 'targets.json.tmp');
    await writeFile(tmp, JSON.stringify([a.url, { url: b.url, weight: 1 }]));
    await rename(tmp, file);
    await until(() => s.targets.length === 2, 5000, 'file change applied');
    const t = await spread(`${gw.url}/x`, 4);
    assert.equal(t.get('a'), 2);
    assert.equal(t.get('b'), 2);
    await writeFile(file, '{ not json');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.targets.length, 2);
  } finally {
    await gw.stop();
  }
});

test('admin: GET /upstreams, POST/GET/DELETE /services/{name}/targets; changes survive a reload', async () => {
  const yaml = `
services:
  - name: s
    targets: [{ url: ${a.url} }]
    health:
      passive: { consecutive_failures: 3 }
routes:
  - { name: r, paths: [/], service: s }
`;
  const gw = await startGateway(yaml);
  try {
    const post = await request(`${gw.adminUrl}/services/s/targets`, { method: 'POST', body: JSON.stringify({ url: b.url, weight: 2 }) });
    assert.equal(post.statusCode, 201);
    await post.body.dump();
    const t = await spread(`${gw.url}/x`, 30);
    assert.equal(t.get('a'), 10);
    assert.equal(t.get('b'), 20);
    const up = (await (await request(`${gw.adminUrl}/upstreams`)).body.json()) as Record<string, unknown>[];
    const s = up.find((x) => x.name === 's')!;
    assert.equal(s.balancer, 'weighted-round-robin');
    assert.equal(s.circuit_breaker, null);
    const targets = s.targets as Record<string, unknown>[];
    assert.deepEqual(Object.keys(targets[0]!).sort(), ['circuit_breaker', 'ejected', 'ejected_for_ms', 'ejections', 'ewma_ms', 'healthy', 'in_flight', 'source', 'url', 'weight']);
    assert.equal(targets.find((x) => x.url === b.url)!.source, 'admin');
    assert.equal(((await gw.reload(yaml)) as { ok: boolean }).ok, true);
    assert.equal(gw.instance.gateway.pools.service('s')!.targets.length, 2, 'admin target kept across reload');
    const del = await request(`${gw.adminUrl}/services/s/targets/${encodeURIComponent(a.url)}`, { method: 'DELETE' });
    assert.equal(del.statusCode, 200);
    await del.body.dump();
    assert.equal((await spread(`${gw.url}/x`, 4)).get('b'), 4);
    const bad = await request(`${gw.adminUrl}/services/s/targets`, { method: 'POST', body: '{"url":"ftp://x"}' });
    assert.equal(bad.statusCode, 400);
    await bad.body.dump();
    const none = await request(`${gw.adminUrl}/services/nope/targets`);
    assert.equal(none.statusCode, 404);
    await none.body.dump();
  } finally {
    await gw.stop();
  }
});
