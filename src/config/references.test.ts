import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatIssue, loadConfigText } from './load.ts';
import { pathProblem } from './references.ts';

function issues(text: string): string[] {
  try {
    loadConfigText(text, 'p.yaml', { plugins: () => undefined, env: {} });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map(formatIssue);
  }
  assert.fail('config was accepted');
}

void test('route path grammar', () => {
  for (const ok of [
    '/',
    '/v1/users',
    '=/v1/health',
    '/v1/users/{id}',
    '/a/{x}/b/{y_2}',
    '~^/v[0-9]+/items$',
    '~^/(?<id>\\d+)$',
  ]) {
    assert.equal(pathProblem(ok), undefined, ok);
  }
  assert.equal(pathProblem('v1'), 'must start with "/" (prefix), "=/" (exact) or "~" (regex)');
  assert.equal(pathProblem('=v1'), 'must start with "/" (prefix), "=/" (exact) or "~" (regex)');
  assert.equal(pathProblem('/a/{id'), 'has a "{" without a matching "}"');
  assert.equal(pathProblem('/a/id}'), 'has a "}" without a matching "{"');
  assert.equal(
    pathProblem('/a/{}'),
    'invalid parameter name "{}" (letters, digits and _, not starting with a digit)',
  );
  assert.equal(
    pathProblem('/a/{1d}'),
    'invalid parameter name "{1d}" (letters, digits and _, not starting with a digit)',
  );
  assert.equal(pathProblem('/a/{id}/b/{id}'), 'duplicate parameter name "{id}"');
  assert.equal(pathProblem('~('), 'invalid regular expression: /(/: Unterminated group');
});

void test('bad paths, proxies, ports and url/targets are reported together with positions', () => {
  const text = [
    'listen: [{ address: "0.0.0.0:70000" }]',
    'admin: { listen: "127.0.0.1:99999" }',
    'trusted_proxies: [10.0.0.0/8, 10.0.0.0/33, "::1", localhost]',
    'services:',
    '  - { name: none }',
    '  - { name: both, url: "http://a:1", targets: [{ url: "http://b:1" }] }',
    'routes:',
    '  - { name: r, paths: [v1, "/a/{id}/{id}"] }',
    '',
  ].join('\n');
  assert.deepEqual(issues(text), [
    'listen[0].address: port must be between 0 and 65535 (p.yaml:1:21)',
    'admin.listen: port must be between 0 and 65535 (p.yaml:2:18)',
    'trusted_proxies[1]: must be an IP address or CIDR such as 10.0.0.0/8 (p.yaml:3:31)',
    'trusted_proxies[3]: must be an IP address or CIDR such as 10.0.0.0/8 (p.yaml:3:51)',
    'services[0]: must have exactly one of url or targets (it has neither) (p.yaml:5:5)',
    'services[1]: must have exactly one of url or targets (it has both) (p.yaml:6:5)',
    'routes[0].paths[0]: must start with "/" (prefix), "=/" (exact) or "~" (regex) (p.yaml:8:24)',
    'routes[0].paths[1]: duplicate parameter name "{id}" (p.yaml:8:28)',
  ]);
});

void test('admin listen "off" and port 0 are accepted', () => {
  const r = loadConfigText('listen: [{ address: ":0" }]\nadmin: { listen: "off" }\n', 'p.yaml', {
    plugins: () => undefined,
    env: {},
  });
  assert.equal(r.config.admin.listen, 'off');
});
