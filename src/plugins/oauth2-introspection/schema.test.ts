import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginIssues, pluginWarnings } from '../../../test/helpers/plugin-config.ts';

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

test('oauth2-introspection warns about a plain-http endpoint on another host', () => {
  const cfg = (url: string) => `{ introspection_url: "${url}", client_id: a, client_secret: b }`;
  assert.match(pluginWarnings('oauth2-introspection', cfg('http://idp.example/introspect'))[0] ?? '', /plain http/);
  assert.deepEqual(pluginWarnings('oauth2-introspection', cfg('http://127.0.0.1:9000/introspect')), []);
  assert.deepEqual(pluginWarnings('oauth2-introspection', cfg('https://idp.example/introspect')), []);
});
