import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createError, pluginIssues } from '../../../test/helpers/plugin-config.ts';

test('forward-auth schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://auth:9000/check" }'), []);
  assert.deepEqual(pluginIssues('forward-auth', '{}'), ['plugins.forward-auth.url: is required']);
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://a", fail: maybe, response_headers: ["X User"] }').sort(), [
    'plugins.forward-auth.fail: must be one of: closed, open',
    "plugins.forward-auth.response_headers[0]: must match pattern ^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
  ]);
});

test('forward-auth create(): anonymous needs request_headers to tell "no credentials" apart', async () => {
  assert.match(await createError('forward-auth', '{ url: "http://a", anonymous: c0, request_headers: [] }', [{}]), /anonymous needs request_headers/);
  assert.equal(await createError('forward-auth', '{ url: "http://a", anonymous: c0 }', [{}]), 'ok');
});
