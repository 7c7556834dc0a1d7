import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { definePlugin, type PluginDefinition } from '../sdk/plugin.ts';
import { ConfigError, formatIssue, loadConfigFile, loadConfigText } from './load.ts';
import { fakePlugins } from '../../test/fixtures/config/fake-plugins.ts';

const teapot = definePlugin({
  name: 'request-termination',
  priority: 1,
  schema: Type.Object(
    { status: Type.Integer({ minimum: 100, maximum: 599 }) },
    { additionalProperties: false },
  ),
  create: () => ({}),
});
const only =
  (...defs: PluginDefinition[]) =>
  (name: string): PluginDefinition | undefined =>
    defs.find((d) => d.name === name);

const load = (text: string, plugins = only(teapot)) =>
  loadConfigText(text, 'portico.yaml', { plugins, env: {} });

/** The formatted issues of a config that must fail. */
function issues(text: string, plugins = only(teapot)): string[] {
  try {
    load(text, plugins);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.message, err.issues.map(formatIssue).join('\n'));
    return err.issues.map(formatIssue);
  }
  assert.fail('config was accepted');
}

const lines = (...l: string[]) => l.join('\n') + '\n';

void test('a minimal config gets every default filled in', () => {
  const r = load(lines('routes:', '  - name: r', '    paths: [/]'));
  assert.equal(r.file, 'portico.yaml');
  assert.deepEqual(r.warnings, []);
  assert.ok(r.loadedAt instanceof Date);
  assert.match(r.hash, /^[0-9a-f]{16}$/);
  assert.deepEqual(r.config.listen, [{ address: '127.0.0.1:8080' }]);
  assert.deepEqual(r.config.admin, { listen: '127.0.0.1:8001', token: '' });
  assert.deepEqual(r.config.log, { level: 'info', access: 'stdout' });
  assert.equal(r.config.max_body_size, '10mb');
  assert.equal(r.config.max_headers, 100);
  assert.equal(r.config.shutdown_timeout, '30s');
  assert.deepEqual(r.config.routes, [
    { name: 'r', paths: ['/'], strip_path: true, preserve_host: false, plugins: {} },
  ]);
  assert.deepEqual(r.config.services, []);
  assert.deepEqual(r.config.plugins, {});
});

void test('service timeouts default inside a service', () => {
  const r = load(
    lines('services:', '  - name: s', '    url: http://a:1', '    timeouts: { read: 2s }'),
  );
  assert.deepEqual(r.config.services[0]?.timeouts, { connect: '5s', read: '2s', queue: '10s' });
});

void test('a bad plugin field is reported with its full path and the value position', () => {
  const text = lines(
    'routes:',
    '  - name: teapot',
    '    paths: [/tea]',
    '    plugins:',
    '      request-termination:',
    '        status: 42',
  );
  assert.deepEqual(issues(text), [
    'routes[0].plugins.request-termination.status: must be >= 100 (portico.yaml:6:17)',
  ]);
  const err = (() => {
    try {
      load(text);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(err.issues[0], {
    path: 'routes[0].plugins.request-termination.status',
    message: 'must be >= 100',
    file: 'portico.yaml',
    line: 6,
    column: 17,
  });
});

void test('plugin configs get their defaults; an empty plugin entry means {}', () => {
  const r = load(
    lines('plugins:', '  key-auth:', 'routes:', '  - name: r', '    paths: [/]'),
    fakePlugins,
  );
  assert.deepEqual(r.config.plugins, {
    'key-auth': { header: 'x-api-key', hide_credentials: true },
  });
});

void test('unknown keys are named and positioned at the key', () => {
  assert.deepEqual(issues(lines('routes:', '  - name: r', '    paths: [/]', '    pathz: 1')), [
    'routes[0].pathz: unknown key (portico.yaml:4:5)',
  ]);
  assert.deepEqual(issues(lines('listen_on: 1')), ['listen_on: unknown key (portico.yaml:1:1)']);
});

void test('missing required fields name the missing key and point at the parent map', () => {
  assert.deepEqual(issues(lines('services:', '  - url: http://a:1')), [
    'services[0].name: is required (portico.yaml:2:5)',
  ]);
});

void test('unknown plugins are reported at their key, in every plugins map', () => {
  assert.deepEqual(
    issues(
      lines(
        'plugins:',
        '  nope: {}',
        'routes:',
        '  - name: r',
        '    paths: [/]',
        '    plugins:',
        '      foo: {}',
      ),
    ),
    [
      'plugins.nope: unknown plugin "nope" (portico.yaml:2:3)',
      'routes[0].plugins.foo: unknown plugin "foo" (portico.yaml:7:7)',
    ],
  );
});

void test('duplicate names and dangling service references are reported together', () => {
  const text = lines(
    'services:',
    '  - { name: a, url: "http://a:1" }',
    '  - { name: a, url: "http://a:2" }',
    'routes:',
    '  - { name: r, paths: [/], service: a }',
    '  - { name: r, paths: [/x], service: ghost }',
    'consumers:',
    '  - { username: u, id: "1" }',
    '  - { username: u, id: "1" }',
  );
  assert.deepEqual(issues(text), [
    'services[1].name: duplicate service name "a" (first used at services[0]) (portico.yaml:3:13)',
    'routes[1].name: duplicate route name "r" (first used at routes[0]) (portico.yaml:6:13)',
    'routes[1].service: unknown service "ghost" (portico.yaml:6:38)',
    'consumers[1].username: duplicate consumer username "u" (first used at consumers[0]) (portico.yaml:9:17)',
    'consumers[1].id: duplicate consumer id "1" (first used at consumers[0]) (portico.yaml:9:24)',
  ]);
});

void test('a route with no service is fine: a plugin may answer alone', () => {
  const r = load(
    lines(
      'routes:',
      '  - name: r',
      '    paths: [/]',
      '    plugins:',
      '      request-termination: { status: 503 }',
    ),
  );
  assert.equal(r.config.routes[0]?.service, undefined);
});

void test('YAML syntax errors carry line and column; duplicate keys are errors', () => {
  assert.deepEqual(issues(lines('routes:', '  - name: r', '    paths: [/a, /b', 'log: {}')), [
    'Flow sequence in block collection must be sufficiently indented and end with a ] (portico.yaml:4:1)',
  ]);
  assert.deepEqual(issues(lines('log:', '  level: info', '  level: warn')), [
    'Map keys must be unique (portico.yaml:3:3)',
  ]);
});

void test('an empty or comment-only file is a clear error; so is a non-map document', () => {
  assert.deepEqual(issues(''), ['config file is empty (portico.yaml)']);
  assert.deepEqual(issues('# nothing yet\n'), ['config file is empty (portico.yaml)']);
  assert.deepEqual(issues('- a\n'), [
    'must be a mapping of settings (e.g. `routes: [...]`) (portico.yaml:1:1)',
  ]);
});

void test('JSON input is read as YAML, with positions', () => {
  const json = JSON.stringify({ routes: [{ name: 'r', paths: ['/'] }], max_headers: 5 }, null, 2);
  assert.equal(load(json).config.max_headers, 5);
  const bad = '{\n  "routes": [],\n  "max_headers": 0\n}\n';
  assert.deepEqual(issues(bad), ['max_headers: must be >= 1 (portico.yaml:3:18)']);
});

void test('durations and sizes get one clear message instead of union noise', () => {
  assert.deepEqual(
    issues(
      lines(
        'header_timeout: 5 sec',
        'max_body_size: lots',
        'services:',
        '  - name: s',
        '    url: http://a:1',
        '    timeouts: { connect: -1 }',
      ),
    ),
    [
      'header_timeout: must be a duration such as 250ms, 2s, 1m (portico.yaml:1:17)',
      'max_body_size: must be a size such as 512kb, 10mb (portico.yaml:2:16)',
      'services[0].timeouts.connect: must be a duration such as 250ms, 2s, 1m (portico.yaml:6:26)',
    ],
  );
  // `.inf` passes the schema (a number >= 0) but is no usable duration.
  assert.deepEqual(issues('request_timeout: .inf\n'), [
    'request_timeout: must be a duration such as 250ms, 2s, 1m (portico.yaml:1:18)',
  ]);
  assert.equal(
    load('header_timeout: 250ms\nmax_body_size: 512kb\n').config.header_timeout,
    '250ms',
  );
});

void test('human messages for enums, types, lengths and literal unions', () => {
  assert.deepEqual(
    issues(
      lines('log: { level: loud, access: "" }', 'max_headers: many', 'admin: { listen: nowhere }'),
    ),
    [
      'log.level: must be one of: trace, debug, info, warn, error, fatal, silent (portico.yaml:1:15)',
      'log.access: must not be empty (portico.yaml:1:29)',
      'max_headers: must be an integer (portico.yaml:2:14)',
      'admin.listen: must be a string matching ^(\\[[0-9a-fA-F:.]+\\]|[^\\s:]*):\\d{1,5}$ or "off" (portico.yaml:3:18)',
    ],
  );
});

void test('a union of objects reports the errors of the branch the value meant', () => {
  const shaped = definePlugin({
    name: 'shaped',
    priority: 1,
    schema: Type.Union([
      Type.Object({ kind: Type.Literal('a'), n: Type.Integer() }, { additionalProperties: false }),
      Type.Object({ kind: Type.Literal('b'), s: Type.String() }, { additionalProperties: false }),
    ]),
    create: () => ({}),
  });
  assert.deepEqual(issues(lines('plugins:', '  shaped: { kind: b, s: 1 }'), only(shaped)), [
    'plugins.shaped.s: must be a string (portico.yaml:2:25)',
  ]);
  assert.deepEqual(issues(lines('plugins:', '  shaped: { kind: a }'), only(shaped)), [
    'plugins.shaped.n: is required (portico.yaml:2:11)',
  ]);
});

void test('plugin warnings are recorded with the plugin path and position; the config still loads', () => {
  const r = load(lines('plugins:', '  key-auth: { hide_credentials: false }'), fakePlugins);
  assert.deepEqual(r.warnings.map(formatIssue), [
    'plugins.key-auth: hide_credentials: false forwards API keys upstream (portico.yaml:2:13)',
  ]);
});

void test('consumer credentials: unknown types, wrong shapes and bad values, each with its position', () => {
  const text = lines(
    'consumers:',
    '  - username: alice',
    '    id: a1',
    '    credentials:',
    '      keyauth: [{ key: k1 }]',
    '      request-termination: [{}]',
    '      key-auth:',
    '        - { kee: k2 }',
    '        - { key_sha256: "XYZ" }',
    '        - { key: k3, key_sha256: "abc" }',
    '        - { key: k4 }',
  );
  assert.deepEqual(issues(text, fakePlugins), [
    'consumers[0].credentials.keyauth: unknown credential type "keyauth" (no such plugin) (portico.yaml:5:7)',
    'consumers[0].credentials.request-termination: unknown credential type "request-termination" (plugin "request-termination" takes no consumer credentials) (portico.yaml:6:7)',
    'consumers[0].credentials.key-auth[0].kee: unknown key (portico.yaml:8:13)',
    'consumers[0].credentials.key-auth[1].key_sha256: must match pattern ^[0-9a-f]+$ (portico.yaml:9:25)',
    'consumers[0].credentials.key-auth[2]: set exactly one of key or key_sha256 (portico.yaml:10:11)',
  ]);
});

void test('consumer credentials of an auth plugin without a credential spec are left to the plugin', () => {
  const custom = definePlugin({ name: 'my-auth', priority: 5, kind: 'auth', schema: Type.Object({}), create: () => ({}) });
  const r = load(lines('consumers:', '  - username: a', '    id: a1', '    credentials:', '      my-auth: [{ anything: 1 }]'), only(custom));
  assert.deepEqual(r.config.consumers[0]!.credentials['my-auth'], [{ anything: 1 }]);
});

void test('a plugin warn() that throws becomes an error naming the plugin', () => {
  const broken = definePlugin({
    name: 'broken',
    priority: 1,
    schema: Type.Object({}),
    create: () => ({}),
    warn: () => {
      throw new Error('boom');
    },
  });
  assert.deepEqual(issues('plugins: { broken: {} }\n', only(broken)), [
    'plugins.broken: plugin "broken" failed to check its config: boom (portico.yaml:1:20)',
  ]);
});

void test('loadConfigFile reads a file and reports by its name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-config-'));
  try {
    const file = join(dir, 'portico.yaml');
    await writeFile(file, 'routes:\n  - { name: r, paths: [/] }\nmax_headers: 7\n');
    const r = await loadConfigFile(file, { plugins: only(), env: {} });
    assert.equal(r.file, file);
    assert.equal(r.config.max_headers, 7);
    await writeFile(file, 'max_headers: 0\n');
    await assert.rejects(loadConfigFile(file, { plugins: only(), env: {} }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `max_headers: must be >= 1 (${file}:1:14)`);
      return true;
    });
    await assert.rejects(
      loadConfigFile(join(dir, 'missing.yaml'), { plugins: only() }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /^cannot read config file: ENOENT/);
        return true;
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the full fixture loads with interpolation, defaults and plugin configs', async () => {
  const file = new URL('../../test/fixtures/config/full.yaml', import.meta.url).pathname;
  const r = await loadConfigFile(file, { plugins: fakePlugins, env: { ADMIN_TOKEN: 's3cret' } });
  assert.equal(r.config.admin.token, 's3cret');
  assert.equal(r.config.services[0]?.url, 'http://127.0.0.1:9000');
  assert.deepEqual(r.config.services[1]?.targets?.[1], { url: 'http://10.0.0.3:9000', weight: 1 });
  assert.deepEqual(r.config.routes[1]?.plugins, {
    'key-auth': { header: 'x-api-key', hide_credentials: true },
  });
  assert.deepEqual(r.config.routes[2]?.plugins, { 'request-termination': { status: 410 } });
  assert.deepEqual(r.config.consumers[0]?.credentials, {
    'key-auth': [{ key: 'alice-secret-key' }],
  });
});
