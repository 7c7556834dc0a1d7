import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginIssues } from '../../../test/helpers/plugin-config.ts';

test('oauth2-introspection schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('oauth2-introspection', '{ introspection_url: "https://idp/introspect", client_id: a, client_secret: b }'), []);
  assert.deepEqual(pluginIssues('oauth2-introspection', '{ introspection_url: "https://idp/introspect" }'), [
    'plugins.oauth2-introspection.client_id: is required',
    'plugins.oauth2-introspection.client_secret: is required',
  ]);
  assert.deepEqual(pluginIssues('oauth2-introspection', '{ introspection_url: "https://i", client_id: a, client_secret: b, fail: maybe, timeout: -1 }').sort(), [
    'plugins.oauth2-introspection.fail: must be one of: closed, open',
    'plugins.oauth2-introspection.timeout: must be a duration such as 250ms, 2s, 1m',
  ]);
});
