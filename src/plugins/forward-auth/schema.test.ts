import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginIssues } from '../../../test/helpers/plugin-config.ts';

test('forward-auth schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://auth:9000/check" }'), []);
  assert.deepEqual(pluginIssues('forward-auth', '{}'), ['plugins.forward-auth.url: is required']);
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://a", fail: maybe, response_headers: ["X User"] }').sort(), [
    'plugins.forward-auth.fail: must be one of: closed, open',
    "plugins.forward-auth.response_headers[0]: must match pattern ^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
  ]);
});
