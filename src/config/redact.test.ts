import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactConfig } from './load.ts';

void test('secrets are redacted in a deep copy; the input is untouched', () => {
  const config = {
    admin: { listen: '127.0.0.1:8001', token: 'adm1n' },
    plugins: {
      'rate-limiting': { key: ['consumer', 'ip', 'header:X-Tenant'], limit: 10 },
      jwt: {
        secret: 's',
        client_secret: 'cs',
        private_key: 'pk',
        password: 'p',
        api_key: 'k',
        max: 3,
      },
      'request-transformer': { add: { headers: { 'X-Api-Key': 'upstream-key', 'X-Trace': 'on' } } },
      cache: { key: 'static-key' },
    },
    consumers: [
      {
        username: 'alice',
        id: 'c-1',
        credentials: {
          'key-auth': [{ key: 'k1', id: 'cred-1' }],
          'basic-auth': [
            { username: 'alice', password_hash: '$2b$...', hint: 'secret-ish', tags: ['a'] },
          ],
          jwt: [{ algorithm: 'HS256', hmac: 'abc', ttl: 60 }],
        },
      },
    ],
  };
  const before = structuredClone(config);
  const r = redactConfig(config);
  assert.deepEqual(config, before);
  assert.deepEqual(r, {
    admin: { listen: '127.0.0.1:8001', token: '[redacted]' },
    plugins: {
      'rate-limiting': { key: ['consumer', 'ip', 'header:X-Tenant'], limit: 10 },
      jwt: {
        secret: '[redacted]',
        client_secret: '[redacted]',
        private_key: '[redacted]',
        password: '[redacted]',
        api_key: '[redacted]',
        max: 3,
      },
      'request-transformer': { add: { headers: { 'X-Api-Key': '[redacted]', 'X-Trace': 'on' } } },
      cache: { key: '[redacted]' },
    },
    consumers: [
      {
        username: 'alice',
        id: 'c-1',
        credentials: {
          'key-auth': [{ key: '[redacted]', id: 'cred-1' }],
          'basic-auth': [
            {
              username: 'alice',
              password_hash: '[redacted]',
              hint: '[redacted]',
              tags: ['[redacted]'],
            },
          ],
          jwt: [{ algorithm: 'HS256', hmac: '[redacted]', ttl: 60 }],
        },
      },
    ],
  });
});

void test('an unset (empty) admin token stays empty; non-objects pass through', () => {
  assert.deepEqual(redactConfig({ admin: { token: '' } }), { admin: { token: '' } });
  assert.equal(redactConfig('x'), 'x');
  assert.equal(redactConfig(null), null);
});

void test('passwords inside URLs are redacted (store.redis.url)', () => {
  const out = redactConfig({ store: { redis: { url: 'redis://:hunter2@10.0.0.1:6379/0' } } }) as {
    store: { redis: { url: string } };
  };
  assert.equal(out.store.redis.url, 'redis://[redacted]@10.0.0.1:6379/0');
});
