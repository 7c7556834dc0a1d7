import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { runCli, startCli, freePort, tempDir } from '../helpers/cli.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { readFile } from 'node:fs/promises';
import { SEMI_SPACE_MB, MALLOC_ARENAS } from '../../src/cli/tuning.ts';
import { fileURLToPath } from 'node:url';

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

test('--version and --help', async () => {
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const h = await runCli(['--help']);
  assert.equal(h.code, 0);
  for (const c of ['start', 'validate', 'explain', '--workers', '--watch']) assert.ok(h.stdout.includes(c), c);
});

test('validate: exit 0 with a one-line summary', async () => {
  const file = await tmp.write(
    'ok.yaml',
    `services:\n  - name: s\n    url: ${up.url}\nroutes:\n  - name: r\n    paths: [/x]\n    service: s\n`,
  );
  const r = await runCli(['validate', '--config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.match(r.stdout, /1 routes, 1 services/);
});

test('validate: exit 1 and every error with path and line:column', async () => {
  const file = await tmp.write(
    'bad.yaml',
    [
      'services:',
      '  - name: s',
      '    url: http://127.0.0.1:1',
      'routes:',
      '  - name: r',
      '    paths: [/x]',
      '    service: missing',
      '  - name: t',
      '    paths: [/y]',
      '    plugins:',
      '      request-termination:',
      '        status: 42',
      '    bogus: 1',
      '',
    ].join('\n'),
  );
  const r = await runCli(['validate', '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /routes\[1\]\.plugins\.request-termination\.status: must be >= 100 \(.*bad\.yaml:12:17\)/);
  assert.match(r.stderr, /routes\[0\]\.service.*missing/);
  assert.match(r.stderr, /routes\[1\]\.bogus/);
});

test('explain prints the winner, the upstream URL, the plugin chain and near-misses', async () => {
  const file = await tmp.write(
    'explain.yaml',
    `services:
  - name: users
    url: ${up.url}/users
routes:
  - name: users
    paths: [/v1/users]
    hosts: [api.example.com]
    service: users
  - name: users-v2
    paths: [/v1/users]
    headers: { X-Version: "2" }
    hosts: [api.example.com]
    service: users
    plugins:
      request-size-limiting: { max_body_size: 1kb }
  - name: other
    paths: [/v1/orders]
    service: users
`,
  );
  const r = await runCli(['explain', '--config', file, 'GET', 'http://api.example.com/v1/users/42?x=1', '-H', 'X-Version: 2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /route:\s+users-v2/);
  assert.ok(r.stdout.includes(`${up.url}/users/42?x=1`), r.stdout);
  assert.match(r.stdout, /request-size-limiting/);
  assert.match(r.stdout, /users\b.*:/);
  assert.match(r.stdout, /other.*does not match/);
});

test('start serves, access-logs JSON lines, reloads on SIGHUP, and drains on SIGTERM (exit 0)', async () => {
  const port = await freePort();
  const adminPort = await freePort();
  const cfg = (path: string) => `listen:
  - address: 127.0.0.1:${port}
admin:
  listen: 127.0.0.1:${adminPort}
log: { level: info, access: stdout }
services:
  - name: s
    url: ${up.url}
routes:
  - name: r
    paths: [${path}]
    service: s
`;
  const file = await tmp.write('start.yaml', cfg('/a'));
  const gw = await startCli(['start', '--config', file], async () => {
    const r = await request(`http://127.0.0.1:${adminPort}/ready`);
    await r.body.text();
    return r.statusCode === 200;
  });
  try {
    const r = await request(`http://127.0.0.1:${port}/a/1`, { headers: { 'user-agent': 'cli-test' } });
    assert.equal(r.statusCode, 200);
    await r.body.text();
    if (process.platform === 'linux') {
      // `start` re-executed itself in place (same PID) with the proxy-sized Node settings.
      const argv = (await readFile(`/proc/${gw.child.pid}/cmdline`, 'utf8')).split('\0');
      assert.ok(argv.includes(`--max-semi-space-size=${SEMI_SPACE_MB}`), argv.join(' '));
      const environ = (await readFile(`/proc/${gw.child.pid}/environ`, 'utf8')).split('\0');
      assert.ok(environ.includes(`MALLOC_ARENA_MAX=${MALLOC_ARENAS}`));
    }
    // Access lines are batched and flushed at least once a second.
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 40 && !line; i++) {
      await new Promise((res) => setTimeout(res, 100));
      line = gw
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.path === '/a/1');
    }
    assert.ok(line, gw.stdout());
    for (const k of ['request_id', 'timestamp', 'method', 'path', 'route', 'service', 'upstream', 'status', 'latency_ms', 'upstream_latency_ms', 'bytes_in', 'bytes_out', 'client_ip', 'user_agent', 'consumer']) {
      assert.ok(k in line, `access log has ${k}`);
    }
    assert.equal(line.route, 'r');
    assert.equal(line.status, 200);
    assert.equal(line.user_agent, 'cli-test');

    await tmp.write('start.yaml', cfg('/b'));
    gw.child.kill('SIGHUP');
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      await new Promise((res) => setTimeout(res, 50));
      const r2 = await request(`http://127.0.0.1:${port}/b/1`);
      await r2.body.text();
      ok = r2.statusCode === 200;
    }
    assert.ok(ok, 'new route answers after SIGHUP');

    // A slow in-flight request completes during the drain.
    up.behave((_req, res) => {
      setTimeout(() => res.end('slow but complete'), 600);
    });
    const inflight = request(`http://127.0.0.1:${port}/b/slow`);
    await new Promise((res) => setTimeout(res, 150));
    gw.child.kill('SIGTERM');
    const resp = await inflight;
    assert.equal(resp.statusCode, 200);
    assert.equal(resp.headers.connection, 'close');
    assert.equal(await resp.body.text(), 'slow but complete');
    assert.equal(await gw.exited, 0);
  } finally {
    up.behave((await import('../helpers/upstream.ts')).echo);
    await gw.stop('SIGKILL');
  }
});

test('start refuses a bad config with exit 1 and the errors', async () => {
  const file = await tmp.write('broken.yaml', 'routes:\n  - name: r\n    paths: []\n');
  const r = await runCli(['start', '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /routes\[0\]\.paths/);
});

test('--watch reloads when the file changes; a broken edit keeps the old config serving', async () => {
  const port = await freePort();
  const cfg = (path: string) => `listen:
  - address: 127.0.0.1:${port}
admin: { listen: "off" }
log: { level: info, access: "off" }
services:
  - { name: s, url: "${up.url}" }
routes:
  - { name: r, paths: [${path}], service: s }
`;
  const file = await tmp.write('watch.yaml', cfg('/one'));
  const status = async (p: string) => {
    const r = await request(`http://127.0.0.1:${port}${p}`);
    await r.body.text();
    return r.statusCode;
  };
  const gw = await startCli(['start', '--config', file, '--watch'], async () => (await status('/one')) === 200);
  try {
    await tmp.write('watch.yaml', 'routes: [ this is not yaml');
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(await status('/one'), 200, 'old config keeps serving after a bad edit');
    await tmp.write('watch.yaml', cfg('/two'));
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ok = (await status('/two')) === 200;
    }
    assert.ok(ok, 'the edited route answers');
    assert.equal(await status('/one'), 404);
    assert.match(gw.stderr(), /config reload failed/);
  } finally {
    await gw.stop();
  }
});

test('validate also reports what plugins check when created (a malformed credential)', async () => {
  const file = await tmp.write(
    'cred.yaml',
    `services:
  - { name: s, url: "${up.url}" }
routes:
  - name: r
    paths: [/x]
    service: s
    plugins:
      key-auth: {}
consumers:
  - username: alice
    id: a1
    credentials:
      key-auth: [{ nope: 1 }]
`,
  );
  const r = await runCli(['validate', '--config', file]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /alice|key-auth/);
});

test('the bundled quickstart config (what `npm start` serves) validates', async () => {
  const file = fileURLToPath(new URL('../../examples/quickstart.yaml', import.meta.url));
  const r = await runCli(['validate', '--config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /OK/);
});
