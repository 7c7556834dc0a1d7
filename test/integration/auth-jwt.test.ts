import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { rawRequest, statusOf } from '../helpers/raw.ts';
import { sign, testKey, rawJwt, nowS, startJwks, type JwksServer, type TestKey } from '../helpers/tokens.ts';
import { definePlugin, Type, type AccessRecord } from '../../src/sdk/index.ts';

const ISS = 'https://issuer.test';
const AUD = 'orders-api';
const SECRET = 'a-64-byte-hmac-secret-for-tests-0123456789abcdefghijklmnopqrstuv'; // 64 bytes: HS256/384/512
const ASYM = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const logged: AccessRecord[] = [];
const logCatcher = definePlugin({
  name: 'log-catcher',
  priority: 1,
  schema: Type.Object({}, { additionalProperties: false }),
  create: () => ({ onLog: (_ctx, r) => void logged.push(r) }),
});

let up: FakeUpstream;
let gw: TestGateway;
let jwks: JwksServer;
const keys = new Map<string, TestKey>();
let alice: TestKey;

before(async () => {
  for (const alg of ASYM) keys.set(alg, await testKey(alg));
  alice = await testKey('RS256', 'alice-key');
  up = await startUpstream();
  jwks = await startJwks([...keys.values()].map((k) => k.jwk));
  gw = await startGateway(
    `
services:
  - { name: api, url: ${up.url} }
routes:
  - name: hs
    paths: [/hs]
    service: api
    plugins:
      jwt: { secret: "${SECRET}", issuer: "${ISS}" }
  - name: jwks
    paths: [/jwks]
    service: api
    plugins:
      jwt: { jwks_uri: "${jwks.url}", issuer: "${ISS}", audiences: [${AUD}], required_claims: [sub, exp] }
  - name: cred
    paths: [/cred]
    service: api
    plugins:
      jwt: { audiences: [${AUD}] }
  - name: cookie
    paths: [/cookie]
    service: api
    plugins:
      jwt: { secret: "${SECRET}", issuer: "${ISS}", cookie_names: [session], uri_param_names: [access_token], hide_credentials: true }
  - name: skew
    paths: [/skew]
    service: api
    plugins:
      jwt: { secret: "${SECRET}", issuer: "${ISS}", clock_skew: 60, max_age: 3600 }
  - name: short
    paths: [/short]
    service: api
    plugins:
      jwt: { secret: my-secret, issuer: "${ISS}" }
  - { name: open, paths: [/open], service: api }
consumers:
  - username: alice
    id: user_42
    credentials:
      jwt: [{ issuer: "https://alice.example", algorithm: RS256, public_key: ${JSON.stringify(alice.spki)} }]
plugins:
  log-catcher: {}
`,
    { plugins: [logCatcher] },
  );
});
after(async () => {
  await gw?.stop();
  await up.close();
  await jwks.close();
});

async function call(path: string, headers: Record<string, string | string[]> = {}) {
  const r = await request(`${gw.url}${path}`, { headers });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISS, aud: AUD, sub: 'user-1', exp: nowS(300), scope: 'read:orders write:orders', ...extra });

for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
  test(`${alg} with a static secret`, async () => {
    const r = await call('/hs', bearer(await sign(claims(), { secret: SECRET, alg })));
    assert.equal(r.status, 200);
    assert.equal(r.body.headers['x-user-id'], 'user-1');
  });
}

test('clock_skew and max_age as bare numbers are seconds, like the claims', async () => {
  const hs = (c: Record<string, unknown>) => sign(claims(c), { secret: SECRET, alg: 'HS256' });
  assert.equal((await call('/skew', bearer(await hs({ exp: nowS(-30), iat: nowS(-600) })))).status, 200, 'within 60 s of skew');
  assert.equal((await call('/skew', bearer(await hs({ exp: nowS(-90), iat: nowS(-600) })))).status, 401);
  assert.equal((await call('/skew', bearer(await hs({ iat: nowS(-3700) })))).status, 401, 'older than max_age 3600 s (+60 s skew)');
});

test('a secret shorter than RFC 7518 wants still verifies every HS algorithm (validate warns about it)', async () => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    assert.equal((await call('/short', bearer(await sign(claims(), { secret: 'my-secret', alg })))).status, 200, alg);
  }
  assert.equal((await call('/short', bearer(await sign(claims(), { secret: 'my-secreT', alg: 'HS256' })))).status, 401);
});

for (const alg of ASYM) {
  test(`${alg} from the JWKS`, async () => {
    const r = await call('/jwks', bearer(await sign(claims(), keys.get(alg)!)));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.headers['x-user-id'], 'user-1');
    assert.equal(r.body.headers['x-scopes'], 'read:orders write:orders');
  });
}

test('consumer credential matched by iss: the consumer is set and sent upstream', async () => {
  const t = await sign({ iss: 'https://alice.example', aud: AUD, sub: 'alice-sub', exp: nowS(60) }, { ...alice, kid: '' });
  const r = await call('/cred', bearer(t));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.headers['x-consumer-username'], 'alice');
  assert.equal(r.body.headers['x-consumer-id'], 'user_42');
  assert.equal(logged.findLast((l) => l.route === 'cred')?.consumer, 'alice');
});

const refused: [string, () => Promise<string>, RegExp][] = [
  ['expired', () => sign(claims({ exp: nowS(-120) }), keys.get('RS256')!), /expired/],
  ['not yet valid (nbf)', () => sign(claims({ nbf: nowS(600) }), keys.get('ES256')!), /not yet valid/],
  ['expired 10 s ago (default clock_skew 5s)', () => sign(claims({ exp: nowS(-10) }), keys.get('RS256')!), /expired/],
  ['valid in 10 s (nbf, default clock_skew 5s)', () => sign(claims({ nbf: nowS(10) }), keys.get('RS256')!), /not yet valid/],
  ['wrong iss', () => sign(claims({ iss: 'https://evil.test' }), keys.get('RS256')!), /wrong issuer/],
  ['wrong aud', () => sign(claims({ aud: 'other-api' }), keys.get('RS256')!), /wrong audience/],
  ['missing required claim', () => sign(claims({ sub: undefined }), keys.get('EdDSA')!), /missing claim sub/],
  ['bad signature', async () => (await sign(claims(), keys.get('RS256')!)).slice(0, -4) + 'AAAA', /bad signature/],
  ['signed by an unknown key with a known kid', async () => sign(claims(), { ...(await testKey('RS256')), kid: keys.get('RS256')!.kid }), /bad signature/],
];
for (const [name, make, reason] of refused) {
  test(`refused: ${name} → 401 invalid_token, reason in the access log`, async () => {
    const token = await make();
    const r = await call('/jwks', bearer(token));
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'unauthorized');
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm="portico", error="invalid_token"/);
    const line = logged.findLast((l) => l.request_id === r.body.request_id)!;
    assert.match(String(line.auth_error), reason);
    assert.ok(!JSON.stringify(line).includes(token.split('.')[2]!), 'the token never reaches the log');
  });
}

test('one keep-alive connection: every token is checked afresh, a known one answered from the cache', async () => {
  const client = new Client(gw.url, { pipelining: 1 });
  try {
    const ask = async (t: string) => {
      const r = await client.request({ path: '/hs', method: 'GET', headers: bearer(t) });
      const text = await r.body.text();
      return { status: r.statusCode, body: JSON.parse(text) as Record<string, any> };
    };
    const good = await sign(claims({ sub: 'conn-user' }), { secret: SECRET, alg: 'HS256' });
    const other = await sign(claims({ sub: 'conn-other' }), { secret: SECRET, alg: 'HS256' });
    const [h, p] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${good.split('.')[2]}`;
    const seq: [string, number, string?][] = [
      [good, 200, 'conn-user'],
      [good, 200, 'conn-user'],
      [tampered, 401],
      [`${good}x`, 401],
      [good.slice(0, -1), 401],
      [good, 200, 'conn-user'],
      [other, 200, 'conn-other'],
      [`${h}.${p}.`, 401],
      [good, 200, 'conn-user'],
    ];
    for (const [t, status, sub] of seq) {
      const r = await ask(t);
      assert.equal(r.status, status, t);
      if (sub !== undefined) assert.equal(r.body.headers['x-user-id'], sub);
    }
  } finally {
    await client.close();
  }
});

test('no token → 401 with a bare Bearer challenge; upstream never called', async () => {
  const before = up.seen.length;
  const r = await call('/jwks');
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], 'Bearer realm="portico"');
  assert.equal(up.seen.length, before);
});

test('alg none is refused, whatever its case', async () => {
  for (const alg of ['none', 'None', 'NONE']) {
    const r = await call('/hs', bearer(rawJwt({ alg, typ: 'JWT' }, claims())));
    assert.equal(r.status, 401, alg);
  }
});

test('key confusion: HS256 signed with the RS256 public key is refused', async () => {
  const k = keys.get('RS256')!;
  const forged = await sign(claims(), { secret: k.spki, alg: 'HS256', kid: k.kid });
  const r = await call('/jwks', bearer(forged));
  assert.equal(r.status, 401);
  assert.match(String(r.headers['www-authenticate']), /does not serve HS256/);
  // Same against a consumer credential (matched by iss, no kid).
  const forged2 = await sign({ iss: 'https://alice.example', aud: AUD, sub: 'x', exp: nowS(60) }, { secret: alice.spki, alg: 'HS256' });
  assert.equal((await call('/cred', bearer(forged2))).status, 401);
});

test('kid with path or SQL junk is a harmless miss, and does not hammer the JWKS endpoint', async () => {
  const hits = jwks.hits();
  for (const kid of ['../../../../etc/passwd', "' OR 1=1 --", '%00', 'x'.repeat(300), '__proto__', 'constructor']) {
    const t = await sign(claims(), { ...keys.get('RS256')!, kid });
    const r = await call('/jwks', bearer(t));
    assert.equal(r.status, 401, kid);
  }
  assert.ok(jwks.hits() - hits <= 1, 'unknown kids refetch at most once per jwks_min_refresh');
});

test('a 100 KB token is refused with 401, not 500', async () => {
  const big = await sign(claims({ pad: 'x'.repeat(100 * 1024) }), { secret: SECRET, alg: 'HS256' });
  const r = await call('/hs', bearer(big));
  assert.equal(r.status, 401);
  assert.match(String(r.headers['www-authenticate']), /token too large/);
});

test('forged identity headers are stripped on auth routes, kept on routes without auth', async () => {
  const forged = { 'x-user-id': 'admin', 'x-consumer-id': 'root', 'x-consumer-username': 'root', 'x-scopes': 'admin' };
  const t = await sign(claims({ scope: undefined }), { secret: SECRET, alg: 'HS256' });
  const r = await call('/hs', { ...forged, ...bearer(t) });
  assert.equal(r.status, 200);
  assert.equal(r.body.headers['x-user-id'], 'user-1');
  assert.equal(r.body.headers['x-scopes'], undefined);
  // user-1 is no declared consumer: X-Consumer-* only ever name declared ones (X-User-ID names the caller).
  assert.equal(r.body.headers['x-consumer-username'], undefined);
  assert.equal(r.body.headers['x-consumer-id'], undefined);
  const open = await call('/open', forged);
  assert.equal(open.body.headers['x-user-id'], 'admin');
  // Underscore spellings read as the same header to CGI/WSGI/PHP-style servers.
  const under = await call('/hs', { x_user_id: 'admin', 'X_Scopes': 'admin', x_consumer_username: 'root', 'x_trace': 'kept', ...bearer(t) });
  assert.equal(under.status, 200);
  for (const h of ['x_user_id', 'x_scopes', 'x_consumer_username']) assert.equal(under.body.headers[h], undefined, h);
  assert.equal(under.body.headers.x_trace, 'kept');
});

test('two different tokens in one request → 401', async () => {
  const a = await sign(claims({ sub: 'a' }), { secret: SECRET, alg: 'HS256' });
  const b = await sign(claims({ sub: 'b' }), { secret: SECRET, alg: 'HS256' });
  assert.equal((await call('/cookie', { ...bearer(a), cookie: `session=${b}` })).status, 401);
  // The same token twice is fine.
  assert.equal((await call('/cookie', { ...bearer(a), cookie: `session=${a}` })).status, 200);
  // Duplicate Authorization headers (node keeps only the first; we look at the raw ones).
  const twice = (x: string, y: string) =>
    rawRequest(gw.port, `GET /hs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${x}\r\nAuthorization: Bearer ${y}\r\nConnection: close\r\n\r\n`);
  assert.equal(statusOf(await twice(a, b)), 401);
  assert.equal(statusOf(await twice(a, a)), 200, 'the same token on two lines is one token');
  // A cookie sent twice counts twice (an upstream may read the other one), in one Cookie line or two.
  assert.equal((await call('/cookie', { cookie: `session=${a}; session=${b}` })).status, 401);
  assert.equal((await call('/cookie', { cookie: `session=${a}; theme=x; session=junk` })).status, 401);
  assert.equal((await call('/cookie', { cookie: [`session=${a}`, `session=${b}`] })).status, 401);
  assert.equal((await call('/cookie', { cookie: `session=${a}; session=${a}` })).status, 200);
});

test('token from a cookie or the query only where configured; hidden from the upstream', async () => {
  const t = await sign(claims(), { secret: SECRET, alg: 'HS256' });
  const c = await call('/cookie', { cookie: `theme=dark; session=${t}` });
  assert.equal(c.status, 200);
  assert.equal(c.body.headers.cookie, 'theme=dark');
  const q = await call(`/cookie?x=1&access_token=${t}`);
  assert.equal(q.status, 200);
  assert.equal(q.body.url, '/?x=1');
  assert.ok(!logged.some((l) => JSON.stringify(l).includes(t)), 'the access log has no query string');
  assert.equal((await call('/hs', { cookie: `session=${t}` })).status, 401);
  assert.equal((await call(`/hs?access_token=${t}`)).status, 401);
});
