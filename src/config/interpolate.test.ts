import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatIssue, loadConfigText } from './load.ts';
import { expand } from './interpolate.ts';
import { fakePlugins } from '../../test/fixtures/config/fake-plugins.ts';

const noPlugins = () => undefined;
const load = (text: string, env: Record<string, string | undefined>) =>
  loadConfigText(text, 'portico.yaml', { plugins: noPlugins, env });

function issues(text: string, env: Record<string, string | undefined>): string[] {
  try {
    load(text, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map(formatIssue);
  }
  assert.fail('config was accepted');
}

void test('expand: set, default, empty, escaped', () => {
  assert.deepEqual(expand('a-${X}-b', { X: '1' }), { value: 'a-1-b' });
  assert.deepEqual(expand('${X:-fallback}', {}), { value: 'fallback' });
  assert.deepEqual(
    expand('${X:-fallback}', { X: '' }),
    { value: 'fallback' },
    'like the shell, empty takes the default',
  );
  assert.deepEqual(expand('${X}', { X: '' }), { value: '' }, 'set but empty is not missing');
  assert.deepEqual(expand('$${X} costs $5', {}), { value: '${X} costs $5' });
  assert.deepEqual(expand('${X:-}', {}), { value: '' });
  assert.deepEqual(expand('${X}', {}), { error: 'environment variable X is not set' });
  assert.deepEqual(expand('${X', {}), { error: 'unclosed "${" (write "$${" for a literal "${")' });
  assert.deepEqual(expand('${1X}', {}), { error: 'invalid variable reference "${1X}"' });
});

void test('variables fill strings in place; quoted values stay strings', () => {
  const r = load('admin:\n  token: "${TOKEN}"\n  listen: ${HOST:-0.0.0.0}:${ADMIN_PORT}\n', {
    TOKEN: '123',
    ADMIN_PORT: '9001',
  });
  assert.equal(r.config.admin.token, '123');
  assert.equal(r.config.admin.listen, '0.0.0.0:9001');
});

void test('a plain scalar that is one reference is re-read as YAML (numbers, booleans)', () => {
  // Block style: in a flow collection (`{ a: ${X} }`) YAML reads `{` as a nested map, so references there must be quoted.
  const text =
    'max_headers: ${MAX}\nroutes:\n  - name: r\n    paths: [/]\n    strip_path: ${STRIP:-false}\n';
  const r = load(text, { MAX: '64' });
  assert.equal(r.config.max_headers, 64);
  assert.equal(r.config.routes[0]?.strip_path, false);
  // Quoted, the same reference stays a string, which the schema then rejects.
  assert.deepEqual(issues('max_headers: "${MAX}"\n', { MAX: '64' }), [
    'max_headers: must be an integer (portico.yaml:1:14)',
  ]);
  // Re-reading only yields scalars: a value that looks like YAML structure stays a string.
  assert.equal(load('admin:\n  token: ${T}\n', { T: 'a: b' }).config.admin.token, 'a: b');
  assert.equal(load('admin:\n  token: ${T:-}\n', {}).config.admin.token, '');
});

void test('a missing variable is an error at the scalar, with every missing one reported', () => {
  assert.deepEqual(
    issues('admin:\n  token: ${ADMIN_TOKEN}\nlog: { access: "${LOG_DIR}/access.log" }\n', {}),
    [
      'admin.token: environment variable ADMIN_TOKEN is not set (portico.yaml:2:10)',
      'log.access: environment variable LOG_DIR is not set (portico.yaml:3:16)',
    ],
  );
});

void test('keys are not interpolated; escaped references survive validation as text', () => {
  assert.equal(load('admin: { token: "$${NOT_A_VAR}" }\n', {}).config.admin.token, '${NOT_A_VAR}');
  assert.deepEqual(issues('${KEY}: 1\n', { KEY: 'max_headers' }), [
    '${KEY}: unknown key (portico.yaml:1:1)',
  ]);
});

void test('env defaults to process.env', () => {
  process.env.PORTICO_TEST_MAX_HEADERS = '33';
  try {
    const r = loadConfigText('max_headers: ${PORTICO_TEST_MAX_HEADERS}\n', 'x.yaml', {
      plugins: noPlugins,
    });
    assert.equal(r.config.max_headers, 33);
  } finally {
    delete process.env.PORTICO_TEST_MAX_HEADERS;
  }
});

void test('${VAR} works inside flow collections, as written in the docs: [{ key: ${ALICE_KEY} }]', () => {
  const text = [
    'consumers:',
    '  - username: alice',
    '    id: user_42',
    '    credentials:',
    '      key-auth: [{ key: ${ALICE_KEY} }, { key_sha256: "9f86d0" }]',
    'listen: [{ address: "127.0.0.1:${PORT:-8080}" }]',
    '',
  ].join('\n');
  const loaded = loadConfigText(text, 'flow.yaml', { plugins: fakePlugins, env: { ALICE_KEY: 'k-123' } });
  assert.deepEqual(loaded.config.consumers[0]!.credentials['key-auth'], [{ key: 'k-123' }, { key_sha256: '9f86d0' }]);
  assert.equal(loaded.config.listen[0]!.address, '127.0.0.1:8080');
});

void test('a re-read value goes back to its text where a string is wanted (an API key of 00123 stays "00123")', () => {
  const text = [
    'consumers:',
    '  - username: alice',
    '    id: ${ALICE_ID}',
    '    credentials:',
    '      key-auth: [{ key: ${ALICE_KEY} }]',
    'max_header_size: ${MAX}',
    'admin: { token: ${TOKEN} }',
    '',
  ].join('\n');
  const env = { ALICE_KEY: '00123', ALICE_ID: '42', MAX: '65536', TOKEN: 'true' };
  const loaded = loadConfigText(text, 'keys.yaml', { plugins: fakePlugins, env });
  assert.deepEqual(loaded.config.consumers[0]!.credentials['key-auth'], [{ key: '00123' }]);
  assert.equal(loaded.config.consumers[0]!.id, '42');
  assert.equal(loaded.config.admin.token, 'true');
  assert.equal(loaded.config.max_header_size, 65536, 'a number setting still gets a number');
});

void test('a consumer without id gets its username, also when that was restored to text', () => {
  const text = ['consumers:', '  - username: ${U}', '  - username: bob', ''].join('\n');
  const loaded = loadConfigText(text, 'ids.yaml', { plugins: fakePlugins, env: { U: '123' } });
  assert.deepEqual(
    loaded.config.consumers.map((c) => [c.username, c.id]),
    [['123', '123'], ['bob', 'bob']],
  );
});

void test('consumer names: printable, no space at either end; scopes: one token each', () => {
  const bad = (u: string, scope = 'read'): string[] => {
    try {
      load(`consumers:\n  - { username: ${JSON.stringify(u)}, scopes: [${JSON.stringify(scope)}] }\n`, {});
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.issues.map(formatIssue);
    }
  };
  assert.deepEqual(bad('alice@example.com'), [], 'e-mail address');
  assert.deepEqual(bad('Bob Smith'), []);
  assert.equal(bad('alice ').length, 1, 'trailing space');
  assert.equal(bad(' alice').length, 1, 'leading space');
  assert.equal(bad('a/b').length, 1);
  assert.equal(bad('a\u0085b').length, 1, 'C1 control');
  assert.equal(bad('ok', 'admin:all read').length, 1, 'a space inside a scope');
  assert.equal(bad('ok', 'c,d').length, 1);
});
