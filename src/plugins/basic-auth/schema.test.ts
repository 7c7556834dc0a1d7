import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginIssues, createError } from '../../../test/helpers/plugin-config.ts';
import { decodeBasic } from './logins.ts';

test('basic-auth schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('basic-auth', '{}'), []);
  assert.deepEqual(pluginIssues('basic-auth', '{ cache_ttl: soon, realm: 3 }').sort(), [
    'plugins.basic-auth.cache_ttl: must be a duration such as 250ms, 2s, 1m',
    'plugins.basic-auth.realm: must be a string',
  ]);
});

test('basic-auth credentials: scrypt hashes only, unique usernames', async () => {
  const hash = 'scrypt$N=1024,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5';
  const creds = (...list: Record<string, unknown>[]) => list.map((c, i) => ({ username: `u${i}`, credentials: { 'basic-auth': [c] } }));
  assert.equal(await createError('basic-auth', '{}', creds({ username: 'a', password_hash: hash })), 'ok');
  assert.match(await createError('basic-auth', '{}', creds({ username: 'a', password_hash: 'hunter2' })), /^consumers\[u0\]\.credentials\.basic-auth\[0\]\.password_hash: must look like scrypt/);
  assert.equal(await createError('basic-auth', '{}', creds({ username: 'a', password: 'x' })), 'consumers[u0].credentials.basic-auth[0].password_hash: is required');
  assert.match(await createError('basic-auth', '{}', creds({ username: 'a', password_hash: hash }, { username: 'a', password_hash: hash })), /is already a login of consumer u0/);
});

test('decodeBasic', () => {
  const b = (s: string) => Buffer.from(s).toString('base64');
  assert.deepEqual(decodeBasic(b('alice:pa:ss')), { username: 'alice', password: 'pa:ss', pair: 'alice:pa:ss' });
  assert.equal(decodeBasic(b(':x')), null);
  assert.equal(decodeBasic(b('nocolon')), null);
  assert.equal(decodeBasic('!!'), null);
});
