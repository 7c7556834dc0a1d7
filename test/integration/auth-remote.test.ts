import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { freePort } from '../helpers/cli.ts';
import { nowS } from '../helpers/tokens.ts';

let up: FakeUpstream;
let idp: FakeUpstream; // RFC 7662 introspection endpoint
let authz: FakeUpstream; // forward-auth service
let gw: TestGateway;
const introspected: string[] = [];

async function form(req: AsyncIterable<Buffer>): Promise<URLSearchParams> {
  let s = '';
  for await (const c of req) s += c.toString();
  return new URLSearchParams(s);
}

before(async () => {
  up = await startUpstream();
  idp = await startUpstream(async (req, res) => {
    const f = await form(req);
    const token = f.get('token') ?? '';
    introspected.push(token);
    if (req.headers.authorization !== `Basic ${Buffer.from('gateway:s3cret').toString('base64')}`) {
      res.writeHead(401).end();
      return;
    }
    if (token === 'slow') return; // never answers
    if (token === 'broken') return void res.writeHead(500).end('oops');
    const answers: Record<string, unknown> = {
      good: { active: true, sub: 'user_42', client_id: 'app', scope: 'read:orders', exp: nowS(3600) },
      service: { active: true, client_id: 'batch-job', scope: 'write:orders' },
      expired: { active: true, sub: 'x', exp: nowS(-10) },
    };
    const body = JSON.stringify(answers[token] ?? { active: false });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  authz = await startUpstream((req, res) => {
    const auth = req.headers.authorization;
    if (auth === 'Bearer slow') return;
    if (auth === 'Bearer ok') {
      res.writeHead(200, { 'x-user-id': 'u-1', 'x-roles': 'admin', 'x-other': 'not copied' }).end();
    } else if (auth === 'Bearer scoped') {
      res.writeHead(200, { 'x-scopes': 'read:users write:users', 'x-roles': 'staff, admin' }).end();
    } else if (auth === 'Bearer big') {
      res.writeHead(200, { 'x-user-id': 'u-big' }).end(Buffer.alloc(200_000, 0x61));
    } else if (auth === 'Bearer weird') {
      res.writeHead(999).end('?');
    } else if (auth === 'Bearer cutoff') {
      res.writeHead(401, { 'content-length': '1000', 'content-type': 'text/plain', 'x-why': 'cut' });
      res.write('x');
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (auth === 'Bearer hugedeny') {
      res.writeHead(403, { 'content-type': 'text/html', 'x-deny': 'big' }).end(Buffer.alloc(200_000, 0x62));
    } else if (auth === 'Bearer retry') {
      res.writeHead(429, { 'retry-after': '7', 'x-auth-reason': 'slow down', 'content-type': 'text/plain' }).end('later');
    } else if (auth === 'Bearer bare401') {
      res.writeHead(401).end();
    } else if (auth === 'Bearer deny') {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('no way');
    } else {
      res.writeHead(302, { location: 'https://login.example/?next=' + String(req.headers['x-forwarded-uri']) }).end();
    }
  });
  const nothing = `http://127.0.0.1:${await freePort()}`;
  const intro = (extra: string) =>
    `oauth2-introspection: { introspection_url: "${idp.url}/introspect", client_id: gateway, client_secret: s3cret, timeout: 300ms${extra} }`;
  gw = await startGateway(`
services:
  - { name: api, url: ${up.url} }
routes:
  - { name: intro, paths: [/intro], service: api, plugins: { ${intro('')} } }
  - { name: intro-open, paths: [/intro-open], service: api, plugins: { ${intro(', fail: open, anonymous: anonymous')} } }
  - { name: fa, paths: [/fa], service: api, plugins: { forward-auth: { url: "${authz.url}/check", response_headers: [X-User-ID, X-Roles], consumer_header: X-User-ID, timeout: 300ms } } }
  - { name: fa-open, paths: [/fa-open], service: api, plugins: { forward-auth: { url: "${nothing}/check", fail: open } } }
  - { name: fa-closed, paths: [/fa-closed], service: api, plugins: { forward-auth: { url: "${nothing}/check" } } }
  - { name: fa-anon, paths: [/fa-anon], service: api, plugins: { forward-auth: { url: "${authz.url}/check", anonymous: anonymous } } }
  - { name: fa-key, paths: [/fa-key], service: api, plugins: { forward-auth: { url: "${authz.url}/check" }, key-auth: {} } }
  - { name: fa-swap, paths: [/fa-swap], service: api, plugins: { forward-auth: { url: "${authz.url}/check", response_headers: [Authorization] } } }
  - { name: fa-live-open, paths: [/fa-live-open], service: api, plugins: { forward-auth: { url: "${authz.url}/check", fail: open } } }
  - { name: fa-chosen, paths: [/fa-chosen], service: api, plugins: { forward-auth: { url: "${authz.url}/check", request_headers: [Authorization, X-Api-Token] } } }
  - { name: fa-acl, paths: [/fa-acl], service: api, plugins: { forward-auth: { url: "${authz.url}/check" }, acl: { allow: [admin], scopes: { GET: [read:users], POST: [write:users], DELETE: [delete:users] } } } }
  - { name: fa-open-acl, paths: [/fa-open-acl], service: api, plugins: { forward-auth: { url: "${nothing}/check", fail: open }, acl: { allow: [admin] } } }
  - { name: intro-open-bare, paths: [/intro-open-bare], service: api, plugins: { ${intro(', fail: open')} } }
  - name: intro-wrong-secret
    paths: [/intro-wrong-secret]
    service: api
    plugins: { oauth2-introspection: { introspection_url: "${idp.url}/introspect", client_id: gateway, client_secret: wrong, fail: open } }
consumers:
  - { username: alice, id: user_42, credentials: { key-auth: [{ key: alice-key }] } }
  - { username: anonymous, id: anon }
`);
});
after(async () => {
  await gw?.stop();
  await Promise.all([up.close(), idp.close(), authz.close()]);
});

async function call(path: string, headers: Record<string, string> = {}) {
  const r = await request(`${gw.url}${path}`, { headers });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

test('introspection: active token passes with consumer, claims and scopes; the answer is cached', async () => {
  const n = introspected.length;
  const r = await call('/intro', bearer('good'));
  assert.equal(r.status, 200);
  const seen = r.json().headers;
  assert.equal(seen['x-consumer-username'], 'alice');
  assert.equal(seen['x-user-id'], 'user_42');
  assert.equal(seen['x-scopes'], 'read:orders');
  assert.equal(seen['x-client-id'], 'app');
  assert.equal((await call('/intro', bearer('good'))).status, 200);
  assert.equal(introspected.length - n, 1, 'the second request used the cache');
});

test('introspection: client_id identifies tokens without sub (ad-hoc identity)', async () => {
  const r = await call('/intro', bearer('service'));
  assert.equal(r.status, 200);
  assert.equal(r.json().headers['x-consumer-username'], undefined, 'no declared consumer');
  assert.equal(r.json().headers['x-client-id'], 'batch-job');
  assert.equal(r.json().headers['x-credential-identifier'], 'oauth2:batch-job');
});

test('introspection: inactive or expired → 401 invalid_token; none → 401 bare challenge', async () => {
  for (const t of ['nope', 'expired']) {
    const r = await call('/intro', bearer(t));
    assert.equal(r.status, 401, t);
    assert.match(String(r.headers['www-authenticate']), /error="invalid_token"/);
  }
  assert.equal((await call('/intro')).headers['www-authenticate'], 'Bearer realm="portico"');
});

test('introspection: timeout or error → 503 (fail closed); fail open → anonymous', async () => {
  assert.equal((await call('/intro', bearer('slow'))).status, 503);
  assert.equal((await call('/intro', bearer('broken'))).status, 503);
  const open = await call('/intro-open', bearer('slow'));
  assert.equal(open.status, 200);
  assert.equal(open.json().headers['x-consumer-username'], 'anonymous');
  // Without anonymous, fail: open still lets the request on: unauthenticated, with no identity headers.
  const bare = await call('/intro-open-bare', { ...bearer('broken'), 'x-user-id': 'forged' });
  assert.equal(bare.status, 200);
  assert.equal(bare.json().headers['x-user-id'], undefined);
  assert.equal(bare.json().headers['x-consumer-username'], undefined);
  assert.equal((await call('/intro-open-bare', bearer('nope'))).status, 401, 'an answer that says inactive is still a refusal');
  // The endpoint refusing the gateway (wrong client secret) is a misconfiguration, not an outage: never open.
  assert.equal((await call('/intro-wrong-secret', bearer('good'))).status, 503);
});

test('forward-auth: 2xx continues with the chosen response headers; forged copies are dropped', async () => {
  const r = await call('/fa/orders?id=1', { ...bearer('ok'), 'x-roles': 'root', 'x-user-id': 'forged' });
  assert.equal(r.status, 200);
  const seen = r.json().headers;
  assert.equal(seen['x-user-id'], 'u-1');
  assert.equal(seen['x-roles'], 'admin');
  assert.equal(seen['x-other'], undefined);
  assert.equal(seen['x-consumer-username'], undefined, 'u-1 is no declared consumer');
  const check = authz.seen.at(-1)!;
  assert.equal(check.method, 'GET');
  assert.equal(check.headers['x-forwarded-method'], 'GET');
  assert.equal(check.headers['x-forwarded-uri'], '/fa/orders?id=1');
  assert.equal(check.headers['x-forwarded-proto'], 'http');
  assert.equal(check.headers.authorization, 'Bearer ok');
});

test('forward-auth: without request_headers every end-to-end header goes to the auth service; with them, only those', async () => {
  const claims = { 'x-forwarded-uri': '/public', 'x-original-url': 'https://x/public', x_forwarded_uri: '/public', 'x-user-id': 'forged' };
  await call('/fa/x', { ...bearer('ok'), 'x-api-token': 't1', 'user-agent': 'qa/1', 'proxy-authorization': 'Basic eDp5', ...claims });
  const all = authz.seen.at(-1)!.headers;
  assert.equal(all['x-api-token'], 't1');
  assert.equal(all['user-agent'], 'qa/1');
  assert.equal(all['proxy-authorization'], undefined, 'hop-by-hop');
  // What the request targets is the gateway's to say; forged identity headers are gone before the service sees them.
  assert.equal(all['x-forwarded-uri'], '/fa/x');
  assert.equal(all['x-original-url'], undefined);
  assert.equal(all.x_forwarded_uri, undefined);
  assert.equal(all['x-user-id'], undefined);
  assert.equal(all.host, new URL(authz.url).host);
  await call('/fa-chosen/x', { ...bearer('ok'), 'x-api-token': 't2', 'user-agent': 'qa/2' });
  const chosen = authz.seen.at(-1)!.headers;
  assert.equal(chosen['x-api-token'], 't2');
  assert.equal(chosen.authorization, 'Bearer ok');
  assert.notEqual(chosen['user-agent'], 'qa/2');
});

test('forward-auth: a refusal with a body over max_body_size is still that refusal, without the body', async () => {
  const before = up.seen.length;
  const r = await call('/fa/x', bearer('hugedeny'));
  assert.equal(r.status, 403);
  assert.equal(r.headers['x-deny'], 'big');
  assert.equal(r.text, '');
  assert.equal(up.seen.length, before);
});

test('forward-auth: a refusal whose body breaks off is still that refusal, even with fail: open', async () => {
  const before = up.seen.length;
  const r = await call('/fa-live-open/x', bearer('cutoff'));
  assert.equal(r.status, 401);
  assert.equal(r.headers['x-why'], 'cut');
  assert.equal(r.headers['content-type'], undefined, 'no body, so no body headers');
  assert.equal(up.seen.length, before);
});

test('forward-auth: the client\'s Authorization reaches the auth service even when the answer replaces it upstream', async () => {
  const r = await call('/fa-swap/x', bearer('ok'));
  assert.equal(r.status, 200);
  assert.equal(authz.seen.at(-1)!.headers.authorization, 'Bearer ok');
  assert.equal(r.json().headers.authorization, undefined, "the client's credential is not passed upstream in place of the answer's");
});

test('forward-auth: an answer with no valid HTTP status is a JSON 502', async () => {
  const r = await call('/fa/x', bearer('weird'));
  assert.equal(r.status, 502);
  assert.equal(r.json().error, 'bad_gateway');
});

test('forward-auth: a pass with a large body still passes', async () => {
  const r = await call('/fa/x', bearer('big'));
  assert.equal(r.status, 200);
  assert.equal(r.json().headers['x-user-id'], 'u-big');
});

test('forward-auth: a refusal reaches the client with its headers; a bare 401 gets a challenge', async () => {
  const r = await call('/fa/x', bearer('retry'));
  assert.equal(r.status, 429);
  assert.equal(r.headers['retry-after'], '7');
  assert.equal(r.headers['x-auth-reason'], 'slow down');
  assert.equal(r.text, 'later');
  const bare = await call('/fa/x', bearer('bare401'));
  assert.equal(bare.status, 401);
  assert.equal(bare.headers['www-authenticate'], 'Bearer realm="portico"');
});

test('forward-auth with acl: the answer\'s X-Scopes and X-Roles are the scopes and groups acl checks', async () => {
  const scoped = await call('/fa-acl/x', { ...bearer('scoped'), 'x-roles': 'root', 'x-scopes': 'everything' });
  assert.equal(scoped.status, 200);
  assert.equal(scoped.json().headers['x-roles'], undefined, "a client's own X-Roles never reaches the upstream");
  assert.equal(scoped.json().headers['x-scopes'], undefined);
  const post = await request(`${gw.url}/fa-acl/x`, { method: 'POST', headers: bearer('scoped'), body: '{}' });
  assert.equal(post.statusCode, 200);
  await post.body.dump();
  const del = await request(`${gw.url}/fa-acl/x`, { method: 'DELETE', headers: bearer('scoped') });
  assert.equal(del.statusCode, 403);
  assert.match(((await del.body.json()) as { message: string }).message, /missing scope "delete:users"/);
  // X-Roles: admin but no scopes at all.
  assert.equal((await call('/fa-acl/x', bearer('ok'))).status, 403);
  // fail: open lets the request on unauthenticated: a rule that needs an identity answers 401.
  assert.equal((await call('/fa-open-acl/x', bearer('ok'))).status, 401);
});

test('forward-auth: any other answer goes to the client as is; upstream never called', async () => {
  const before = up.seen.length;
  const deny = await call('/fa', bearer('deny'));
  assert.equal(deny.status, 403);
  assert.equal(deny.text, 'no way');
  const login = await call('/fa/x');
  assert.equal(login.status, 302);
  assert.equal(login.headers.location, 'https://login.example/?next=/fa/x');
  assert.equal(up.seen.length, before);
});

test('forward-auth anonymous: no credential headers → the anonymous consumer, the auth service not asked; sent ones are checked', async () => {
  const asked = authz.seen.length;
  const anon = await call('/fa-anon/x');
  assert.equal(anon.status, 200);
  assert.equal(anon.json().headers['x-consumer-username'], 'anonymous');
  assert.equal(anon.json().headers['x-anonymous-consumer'], 'true');
  assert.equal(authz.seen.length, asked);
  assert.equal((await call('/fa-anon/x', bearer('deny'))).status, 403);
  assert.equal((await call('/fa-anon/x', { cookie: 'session=deny' })).status, 302);
  assert.equal(authz.seen.length, asked + 2);
});

test('forward-auth with key-auth: a wrong key is the answer when the auth service was shown no credentials', async () => {
  const wrong = await call('/fa-key/x', { apikey: 'wrong-key' });
  assert.equal(wrong.status, 401);
  assert.match(String(wrong.headers['www-authenticate']), /^Key /);
  assert.equal((await call('/fa-key/x', { apikey: 'alice-key' })).json().headers['x-consumer-username'], 'alice');
  // Nothing at all: the auth service's answer (its login redirect) wins, first among equals.
  assert.equal((await call('/fa-key/x')).status, 302);
  // Credentials the auth service refused: its refusal.
  assert.equal((await call('/fa-key/x', bearer('deny'))).status, 403);
});

test('forward-auth: timeout or unreachable → 503 (fail closed) or continue (fail open)', async () => {
  assert.equal((await call('/fa', bearer('slow'))).status, 503);
  assert.equal((await call('/fa-closed')).status, 503);
  assert.equal((await call('/fa-open')).status, 200);
});
