import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startCli, freePort, tempDir } from '../helpers/cli.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let up: FakeUpstream;

before(async () => {
  tmp = await tempDir();
  up = await startUpstream();
});
after(async () => {
  await up.close();
  await tmp.cleanup();
});

async function json(url: string, method = 'GET'): Promise<any> {
  const r = await request(url, { method: method as 'GET' });
  return JSON.parse(await r.body.text());
}

test('--workers 2: both serve, reload reaches every worker, /metrics aggregates all workers, SIGTERM exits 0', async () => {
  const port = await freePort();
  const adminPort = await freePort();
  const cfg = (path: string) => `listen:
  - address: 127.0.0.1:${port}
admin:
  listen: 127.0.0.1:${adminPort}
log: { level: warn, access: "off" }
services:
  - { name: s, url: "${up.url}" }
routes:
  - { name: r, paths: [${path}], service: s }
`;
  const file = await tmp.write('workers.yaml', cfg('/a'));
  const admin = `http://127.0.0.1:${adminPort}`;
  const gw = await startCli(['start', '--config', file, '--workers', '2'], async () => {
    const s = await json(`${admin}/status`);
    return s.workers?.length === 2 && s.workers.every((w: { config_hash: string | null }) => w.config_hash !== null);
  });
  try {
    const N = 60;
    for (let i = 0; i < N; i++) {
      const r = await request(`http://127.0.0.1:${port}/a/${i}`, { reset: true });
      assert.equal(r.statusCode, 200);
      await r.body.text();
    }
    const metrics = await (await request(`${admin}/metrics`)).body.text();
    const m = /portico_requests_total\{route="r",service="s",status="200"\} (\d+)/.exec(metrics);
    assert.ok(m, metrics.slice(0, 500));
    assert.equal(Number(m[1]), N);

    await tmp.write('workers.yaml', cfg('/b'));
    const res = await json(`${admin}/reload`, 'POST');
    assert.equal(res.ok, true, JSON.stringify(res));
    const s = await json(`${admin}/status`);
    assert.equal(s.workers.length, 2);
    for (const w of s.workers) assert.equal(w.config_hash, res.hash);
    for (let i = 0; i < 10; i++) {
      const r = await request(`http://127.0.0.1:${port}/b/${i}`, { reset: true });
      assert.equal(r.statusCode, 200);
      await r.body.text();
    }
    // A config the loader accepts but the workers refuse (two consumers share one API key: key-auth's
    // create() fails): nothing changes, and /status, /config and the metrics still describe what runs.
    await tmp.write(
      'workers.yaml',
      `${cfg('/c')}  - { name: k, paths: [/k], service: s, plugins: { key-auth: {} } }
consumers:
  - { username: a, id: c1, credentials: { key-auth: [{ key: same }] } }
  - { username: b, id: c2, credentials: { key-auth: [{ key: same }] } }
`,
    );
    const refused = await json(`${admin}/reload`, 'POST');
    assert.equal(refused.ok, false);
    assert.match(refused.errors.join(' '), /already used by consumer/);
    const after = await json(`${admin}/status`);
    assert.equal(after.config_hash, res.hash);
    assert.equal(after.routes, 1);
    assert.match(after.last_reload_error.join(' '), /already used/);
    for (const w of after.workers) assert.equal(w.config_hash, res.hash);
    assert.deepEqual((await json(`${admin}/config`)).routes.map((r: { name: string }) => r.name), ['r']);
    const info = await (await request(`${admin}/metrics`)).body.text();
    assert.ok(info.includes(`portico_config_info{hash="${res.hash}"} 1`), info.slice(0, 300));
    const c = await request(`http://127.0.0.1:${port}/b/1`, { reset: true });
    assert.equal(c.statusCode, 200);
    await c.body.text();

    const e = await request(`${admin}/explain`, { method: 'POST', body: JSON.stringify({ method: 'GET', url: '/b/1' }) });
    assert.equal(((await e.body.json()) as { route: string }).route, 'r');
    gw.child.kill('SIGTERM');
    assert.equal(await gw.exited, 0);
  } finally {
    await gw.stop('SIGKILL');
  }
});
