import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { pluginIssues, pluginWarnings, createError } from '../../../test/helpers/plugin-config.ts';
import { loadConfigText } from '../../config/load.ts';
import { lookupPlugin } from '../registry.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

test('jwt schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('jwt', '{ secret: "0123456789abcdef0123456789abcdef", algorithms: [none] }'), [
    'plugins.jwt.algorithms[0]: must be one of: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519, Ed448',
  ]);
  assert.deepEqual(pluginIssues('jwt', '{ secret: "" }'), ['plugins.jwt.secret: must not be empty']);
  assert.deepEqual(pluginIssues('jwt', '{ jwks_uri: "ftp://x", clock_skew: 5x }').sort(), [
    'plugins.jwt.clock_skew: must be a duration such as 250ms, 2s, 1m',
    'plugins.jwt.jwks_uri: must match pattern ^https?://[^\\s/?#]+ (JWKS endpoint of the token issuer (e.g. https://issuer/.well-known/jwks.json))',
  ]);
  assert.deepEqual(pluginIssues('jwt', '{ jwks_uri: "https://x", claims_to_headers: { sub: "bad header" } }'), [
    'plugins.jwt.claims_to_headers.sub: must be a header name other than Host, Content-Length, Transfer-Encoding, Proxy-* and the hop-by-hop ones',
  ]);
  assert.deepEqual(pluginIssues('jwt', '{ jwks_uri: "https://x", nope: 1 }'), ['plugins.jwt.nope: unknown key']);
});

test('jwt warnings: no issuer nor audiences; http JWKS; tokens in the query forwarded', () => {
  assert.deepEqual(pluginWarnings('jwt', '{ jwks_uri: "https://x", issuer: i }'), []);
  assert.match(pluginWarnings('jwt', '{ jwks_uri: "https://x" }')[0]!, /neither issuer nor audiences/);
  assert.match(pluginWarnings('jwt', '{ jwks_uri: "http://idp.example/jwks", audiences: [a] }')[0]!, /plain http/);
  for (const local of ['http://127.0.0.1:9/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks']) {
    assert.deepEqual(pluginWarnings('jwt', `{ jwks_uri: "${local}", audiences: [a] }`), [], local);
  }
  // Hosts that only look local: the URL parser's host is what gets connected to.
  for (const remote of ['http://127.0.0.1.evil.example/jwks', 'http://127.evil.example/j', 'http://localhost.evil.example/j', 'http://localhost@evil.example/j']) {
    assert.match(pluginWarnings('jwt', `{ jwks_uri: "${remote}", audiences: [a] }`)[0] ?? '', /plain http/, remote);
  }
  assert.match(pluginWarnings('jwt', '{ jwks_uri: "https://x", audiences: [a], uri_param_names: [t] }')[0]!, /query string/);
  // RFC 7518 §3.2 key sizes: a short secret works, with a warning naming what each allowed HS algorithm needs.
  assert.deepEqual(pluginWarnings('jwt', `{ secret: "${'s'.repeat(64)}", audiences: [a] }`), []);
  assert.deepEqual(pluginWarnings('jwt', '{ secret: "0123456789abcdef0123456789abcdef", audiences: [a], algorithms: [HS256, RS256] }'), []);
  assert.deepEqual(pluginWarnings('jwt', '{ secret: my-secret, audiences: [a], algorithms: [HS256] }'), [
    'secret is 9 bytes, shorter than RFC 7518 needs (HS256 32): a short secret can be guessed offline from one token',
  ]);
  assert.deepEqual(pluginWarnings('jwt', '{ secret: "0123456789abcdef0123456789abcdef", audiences: [a] }'), [], 'enough for HS256, the weakest allowed');
  assert.match(pluginWarnings('jwt', '{ secret: "0123456789abcdef0123456789abcdef", audiences: [a], algorithms: [HS512] }')[0]!, /32 bytes, .*\(HS512 64\)/);
});

test('jwt create(): keys and consumer credentials are checked, with their place in the file', async () => {
  assert.match(await createError('jwt', '{ issuer: i }', []), /no keys/);
  assert.equal(await createError('jwt', `{ public_key: ${JSON.stringify(pem)} }`, []), 'ok');
  assert.match(await createError('jwt', `{ public_key: "not a pem" }`, []), /public_key: not a PEM/);
  assert.match(await createError('jwt', `{ public_key: ${JSON.stringify(pem)}, algorithms: [HS256] }`, []), /none of which is in this plugin's algorithms/);
  const cred = (c: Record<string, unknown>) => [{ username: 'alice', credentials: { jwt: [c] } }];
  assert.equal(await createError('jwt', '{}', cred({ issuer: 'i', algorithm: 'RS256', public_key: pem })), 'ok');
  assert.equal(await createError('jwt', '{}', cred({ issuer: 'i', algorithm: 'HS256', public_key: pem })), 'consumers[alice].credentials.jwt[0].algorithm: HS256 cannot be used with a rsa key');
  assert.equal(await createError('jwt', '{}', cred({ issuer: 'i', algorithm: 'XX', secret: 's' })), 'consumers[alice].credentials.jwt[0].algorithm: must be one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519, Ed448');
  assert.equal(await createError('jwt', '{}', cred({ algorithm: 'RS256', public_key: pem })), 'consumers[alice].credentials.jwt[0]: set issuer (matched to iss) or key_id (matched to kid)');
  assert.equal(await createError('jwt', '{}', cred({ issuer: 'i', algorithm: 'RS256' })), 'consumers[alice].credentials.jwt[0]: set exactly one of public_key or secret');
  assert.equal(await createError('jwt', '{}', cred({ issuer: 'i', algorithm: 'RS256', public_key: pem, extra: 1 })), 'consumers[alice].credentials.jwt[0].extra: unknown key');
  // The loader checks anonymous against the file's consumers, with its position.
  assert.deepEqual(pluginIssues('jwt', '{ secret: "0123456789abcdef0123456789abcdef", anonymous: ghost }'), ['plugins.jwt.anonymous: no consumer with username or id "ghost"']);
});

test('jwt warnings: a clock_skew that reads as hours; a consumer credential with a short secret', () => {
  assert.match(pluginWarnings('jwt', '{ jwks_uri: "https://x", issuer: i, clock_skew: 30000 }')[0] ?? '', /bare number is seconds: 30000 is 8\.3 hours/);
  assert.deepEqual(pluginWarnings('jwt', '{ jwks_uri: "https://x", issuer: i, clock_skew: 60 }'), []);
  const text = 'consumers:\n  - username: a\n    credentials:\n      jwt: [{ issuer: i, algorithm: HS256, secret: abc }]\n';
  const loaded = loadConfigText(text, 'c.yaml', { plugins: lookupPlugin, env: {} });
  assert.deepEqual(
    loaded.warnings.map((w) => `${w.path}: ${w.message} (${w.line}:${w.column})`),
    ['consumers[0].credentials.jwt[0].secret: secret is 3 bytes, shorter than RFC 7518 needs (HS256 32): a short secret can be guessed offline from one token (4:52)'],
  );
});
