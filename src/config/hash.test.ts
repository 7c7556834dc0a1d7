import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, loadConfigText } from './load.ts';
import { canonicalJson } from './hash.ts';

void test('canonical JSON sorts keys at every level and keeps array order', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, 1], c: null }, u: undefined }),
    '{"a":{"c":null,"d":[2,1]},"b":1}',
  );
});

void test('the hash ignores key order and layout but not values', () => {
  const h = configHash({ a: 1, b: { c: [1, 2], d: 'x' } });
  assert.match(h, /^[0-9a-f]{16}$/);
  assert.equal(configHash({ b: { d: 'x', c: [1, 2] }, a: 1 }), h);
  assert.notEqual(configHash({ a: 1, b: { c: [2, 1], d: 'x' } }), h);
  assert.notEqual(configHash({ a: 2, b: { c: [1, 2], d: 'x' } }), h);

  const opts = { plugins: () => undefined, env: {} };
  const yaml = loadConfigText(
    'max_headers: 5\nlog:\n  level: warn\n  access: stderr\n',
    'a.yaml',
    opts,
  );
  const json = loadConfigText(
    '{"log": {"access": "stderr", "level": "warn"}, "max_headers": 5}',
    'b.json',
    opts,
  );
  assert.equal(yaml.hash, json.hash);
  assert.equal(yaml.hash, configHash(yaml.config));
  // Spelling out a default is the same config.
  assert.equal(
    loadConfigText(
      'max_headers: 5\nlog: { level: warn, access: stderr }\nmax_body_size: 10mb\n',
      'c.yaml',
      opts,
    ).hash,
    yaml.hash,
  );
});
