import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createError, pluginIssues } from '../../../test/helpers/plugin-config.ts';

test('forward-auth schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://auth:9000/check" }'), []);
  assert.deepEqual(pluginIssues('forward-auth', '{}'), ['plugins.forward-auth.url: is required']);
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://a", fail: maybe, response_headers: ["X User"] }').sort(), [
    'plugins.forward-auth.fail: must be one of: closed, open',
    'plugins.forward-auth.response_headers[0]: must be a header name other than Host, Content-Length, Transfer-Encoding, Proxy-* and the hop-by-hop ones',
  ]);
});

test('forward-auth create(): anonymous needs request_headers to tell "no credentials" apart', async () => {
  assert.match(await createError('forward-auth', '{ url: "http://a", anonymous: c0, request_headers: [] }', [{}]), /anonymous needs request_headers/);
  assert.equal(await createError('forward-auth', '{ url: "http://a", anonymous: c0 }', [{}]), 'ok');
});

test('identity header targets cannot be framing or hop-by-hop headers (jwt, introspection, forward-auth)', () => {
  assert.match(pluginIssues('forward-auth', '{ url: "http://a", response_headers: [X-User-ID, content-length] }')[0] ?? '', /response_headers\[1\]: .*other than Host, Content-Length/);
  assert.match(pluginIssues('forward-auth', '{ url: "http://a", scopes_header: Host }')[0] ?? '', /scopes_header/);
  assert.match(pluginIssues('jwt', '{ jwks_uri: "https://x", claims_to_headers: { cl: Content-Length, te: Transfer-Encoding } }').join('\n'), /claims_to_headers\.cl: [\s\S]*claims_to_headers\.te: /);
  assert.equal(pluginIssues('oauth2-introspection', '{ introspection_url: "https://i", client_id: a, client_secret: b, claims_to_headers: { sub: Proxy-Authorization } }').length, 1);
  assert.deepEqual(pluginIssues('forward-auth', '{ url: "http://a", response_headers: [Authorization, X-Tenant] }'), []);
});
