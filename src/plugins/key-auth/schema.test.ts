import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginIssues, pluginWarnings, createError } from '../../../test/helpers/plugin-config.ts';

test('key-auth schema: defaults valid, exact error paths', () => {
  assert.deepEqual(pluginIssues('key-auth', '{}'), []);
  assert.deepEqual(pluginIssues('key-auth', '{ key_names: [] }'), ['plugins.key-auth.key_names: must not be empty']);
  assert.deepEqual(pluginIssues('key-auth', '{ key_names: ["a b"], hide_credentials: yes }').sort(), [
    'plugins.key-auth.hide_credentials: must be a boolean',
    "plugins.key-auth.key_names[0]: must match pattern ^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
  ]);
  assert.deepEqual(pluginWarnings('key-auth', '{}'), []);
});

test('key-auth credentials: one of key or key_sha256, no key shared by two consumers', async () => {
  const creds = (...list: Record<string, unknown>[]) => list.map((c, i) => ({ username: `u${i}`, credentials: { 'key-auth': [c] } }));
  assert.equal(await createError('key-auth', '{}', creds({ key: 'a' }, { key_sha256: 'f'.repeat(64) })), 'ok');
  assert.equal(await createError('key-auth', '{}', creds({ key: 'a', key_sha256: 'f'.repeat(64) })), 'consumers[u0].credentials.key-auth[0]: set exactly one of key or key_sha256');
  assert.equal(await createError('key-auth', '{}', creds({ key_sha256: 'xyz' })), 'consumers[u0].credentials.key-auth[0].key_sha256: expected string to match \'^[0-9a-fA-F]{64}$\'');
  assert.equal(await createError('key-auth', '{}', creds({ key: 'a' }, { key: 'a' })), 'consumers[u1].credentials.key-auth[0]: the same key is already used by consumer u0');
});
