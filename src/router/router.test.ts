import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, type MatchInput, type RouteSpec } from './router.ts';
import { req, route } from './test-helpers.ts';


function winner(r: Router<string>, input: MatchInput): string | null {
  return r.match(input)?.route.name ?? null;
}

test('prefix matches on a segment boundary', () => {
  const r = new Router([route('users', ['/v1/users'])]);
  for (const p of ['/v1/users', '/v1/users/', '/v1/users/123', '/v1/users/123/orders']) {
    assert.equal(winner(r, req(p)), 'users', p);
  }
  for (const p of ['/v1/usersX', '/v1/user', '/v1', '/v1/', '/', '/v2/users']) {
    assert.equal(winner(r, req(p)), null, p);
  }
});

test('prefix ending in a slash matches only under it; "/" matches everything', () => {
  const r = new Router([route('v1', ['/v1/'])]);
  assert.equal(winner(r, req('/v1/')), 'v1');
  assert.equal(winner(r, req('/v1/a/b')), 'v1');
  assert.equal(winner(r, req('/v1')), null);
  assert.equal(winner(r, req('/v1x/a')), null);
  const all = new Router([route('all', ['/'])]);
  for (const p of ['/', '/a', '/a/b/', '/v1/users']) assert.equal(winner(all, req(p)), 'all', p);
});

test('exact matches only that string', () => {
  const r = new Router([route('health', ['=/v1/health'])]);
  assert.equal(winner(r, req('/v1/health')), 'health');
  for (const p of ['/v1/health/', '/v1/health/x', '/v1/healthz', '/v1']) {
    assert.equal(winner(r, req(p)), null, p);
  }
});

test('templates: one non-empty segment per param, whole path, trailing slash tolerated', () => {
  const r = new Router([route('orders', ['/v1/users/{id}/orders/{orderId}'])]);
  const m = r.match(req('/v1/users/42/orders/a-7'));
  assert.deepEqual(m?.params, { id: '42', orderId: 'a-7' });
  assert.equal(m?.kind, 'template');
  assert.equal(m?.rest, '');
  assert.deepEqual(r.match(req('/v1/users/42/orders/7/'))?.params, { id: '42', orderId: '7' });
  for (const p of [
    '/v1/users/42/orders',
    '/v1/users/42/orders/7/x',
    '/v1/users//orders/7',
    '/v1/users',
  ]) {
    assert.equal(winner(r, req(p)), null, p);
  }
});

test('template params are percent-decoded; invalid UTF-8 is kept raw', () => {
  const r = new Router([route('u', ['/u/{name}'])]);
  assert.deepEqual(r.match(req('/u/caf%C3%A9'))?.params, { name: 'café' });
  assert.deepEqual(r.match(req('/u/a%20b'))?.params, { name: 'a b' });
  assert.deepEqual(r.match(req('/u/%C3'))?.params, { name: '%C3' });
});

test('a literal segment and a param at the same position are both explored', () => {
  const r = new Router([
    route('me', ['/users/me/profile']), // prefix
    route('byId', ['/users/{id}/settings']),
  ]);
  assert.equal(winner(r, req('/users/me/settings')), 'byId');
  assert.equal(winner(r, req('/users/me/profile')), 'me');
  assert.deepEqual(r.match(req('/users/me/settings'))?.params, { id: 'me' });
});

test('regex with named groups', () => {
  const r = new Router([route('items', ['~^/v(?<version>[0-9]+)/items/(?<id>[a-z%0-9]+)$'])]);
  const m = r.match(req('/v2/items/ab%20c'));
  assert.equal(m?.kind, 'regex');
  assert.deepEqual(m?.params, { version: '2', id: 'ab c' });
  assert.equal(m?.rest, '');
  assert.equal(winner(r, req('/v2/items/AB')), null);
});

test('rest for each kind', () => {
  const r = new Router([
    route('prefix', ['/p']),
    route('slash', ['/s/']),
    route('exact', ['=/e']),
    route('tpl', ['/t/{x}']),
    route('re', ['~^/r/[0-9]+']),
  ]);
  const rest = (p: string) => r.match(req(p))?.rest;
  assert.equal(rest('/p'), '');
  assert.equal(rest('/p/'), '/');
  assert.equal(rest('/p/a/b'), '/a/b');
  assert.equal(rest('/s/'), '/');
  assert.equal(rest('/s/a/b'), '/a/b');
  assert.equal(rest('/e'), '');
  assert.equal(rest('/t/1/'), '');
  assert.equal(rest('/r/123/tail'), '/tail');
  assert.equal(rest('/r/123'), '');
  const root = new Router([route('root', ['/'])]);
  assert.equal(root.match(req('/a/b'))?.rest, '/a/b');
  assert.equal(root.match(req('/'))?.rest, '/');
});

test('hosts: exact, wildcard, ports, case', () => {
  const r = new Router([
    route('exact', ['/'], { hosts: ['API.example.com'] }),
    route('wild', ['/'], { hosts: ['*.example.com'] }),
    route('port', ['/'], { hosts: ['admin.example.org:8443'] }),
  ]);
  assert.equal(winner(r, req('/', { host: 'api.example.com' })), 'exact');
  assert.equal(winner(r, req('/', { host: 'api.example.com:8080' })), 'exact'); // port ignored
  assert.equal(winner(r, req('/', { host: 'a.example.com' })), 'wild');
  assert.equal(winner(r, req('/', { host: 'a.b.example.com:1' })), 'wild');
  assert.equal(winner(r, req('/', { host: 'example.com' })), null);
  assert.equal(winner(r, req('/', { host: 'xexample.com' })), null);
  assert.equal(winner(r, req('/', { host: 'admin.example.org:8443' })), 'port');
  assert.equal(winner(r, req('/', { host: 'admin.example.org:443' })), null);
  assert.equal(winner(r, req('/', { host: 'admin.example.org' })), null);
  assert.equal(winner(r, req('/', { host: '' })), null);
});

test('hosts on regex routes and IPv6 literals', () => {
  const r = new Router([
    route('re', ['~^/x'], { hosts: ['*.example.com', '[::1]:8080'] }),
    route('v6', ['/'], { hosts: ['[::1]'] }),
  ]);
  assert.equal(winner(r, req('/x', { host: 'a.example.com' })), 're');
  assert.equal(winner(r, req('/x', { host: '[::1]:8080' })), 're');
  assert.equal(winner(r, req('/x', { host: '[::1]:9090' })), 'v6');
  assert.equal(winner(r, req('/x', { host: 'example.com' })), null);
});

test('methods, headers (repeated values) and query predicates', () => {
  const r = new Router([
    route('all', ['/a'], {
      methods: ['POST', 'PUT'],
      headers: { 'X-Version': '2' },
      query: { beta: 'yes please' },
    }),
  ]);
  const good = { method: 'PUT', headers: { 'x-version': '2' }, query: 'a=1&beta=yes+please' };
  assert.equal(winner(r, req('/a', good)), 'all');
  assert.equal(winner(r, req('/a', { ...good, headers: { 'x-version': ['1', '2'] } })), 'all');
  assert.equal(winner(r, req('/a', { ...good, query: 'beta=yes%20please&beta=no' })), 'all');
  assert.equal(winner(r, req('/a', { ...good, method: 'GET' })), null);
  assert.equal(winner(r, req('/a', { ...good, headers: { 'x-version': '1' } })), null);
  assert.equal(winner(r, req('/a', { ...good, headers: {} })), null);
  assert.equal(winner(r, req('/a', { ...good, query: 'beta=no&beta=yes+please' })), null); // first wins
  assert.equal(winner(r, req('/a', { ...good, query: '' })), null);
});

test('a failing predicate falls through to the next candidate', () => {
  const r = new Router([
    route('users-post', ['=/v1/users'], { methods: ['POST'] }),
    route('users-beta', ['/v1/users'], { headers: { 'x-beta': '1' } }),
    route('v1', ['/v1']),
  ]);
  assert.equal(winner(r, req('/v1/users', { method: 'POST' })), 'users-post');
  assert.equal(winner(r, req('/v1/users', { headers: { 'x-beta': '1' } })), 'users-beta');
  assert.equal(winner(r, req('/v1/users'))?.toString(), 'v1');
});

test('a route with several paths reports the pattern that matched', () => {
  const r = new Router([route('multi', ['/a', '=/b', '/c/{id}'])]);
  assert.equal(r.match(req('/a/x'))?.pattern, '/a');
  assert.equal(r.match(req('/b'))?.pattern, '=/b');
  assert.equal(r.match(req('/c/1'))?.pattern, '/c/{id}');
  assert.equal(r.size, 1);
});

test('the same router answers many requests independently', () => {
  const r = new Router([
    route('tpl', ['/t/{x}']),
    route('p', ['/p']),
    route('re', ['~^/r/(?<n>\\d+)']),
  ]);
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(r.match(req(`/t/${i}`))?.params, { x: String(i) });
    assert.equal(r.match(req(`/p/${i}`))?.rest, `/${i}`);
    assert.deepEqual(r.match(req(`/r/${i}/x`))?.params, { n: String(i) });
    assert.equal(r.match(req(`/none/${i}`)), null);
  }
});

test('compile errors are clear', () => {
  const bad: Array<[RouteSpec<string>, RegExp]> = [
    [route('r', ['~(']), /route "r": path pattern "~\(" is not a valid regular expression/],
    [route('r', ['v1']), /must start with "\/"/],
    [route('r', ['/a//b']), /is not normalized; write "\/a\/b"/],
    [route('r', ['/a/../b']), /is not normalized; write "\/b"/],
    [route('r', ['=/%7euser']), /is not normalized; write "\/~user"/],
    [route('r', ['/a/x{id}']), /a \{param\} must be a whole segment/],
    [route('r', ['/a/{1d}']), /invalid parameter name "1d"/],
    [route('r', ['/a/{id}/{id}']), /duplicate parameter "id"/],
    [route('r', []), /route "r" has no paths/],
    [route('r', ['/'], { hosts: ['*'] }), /host "\*" is not a host name/],
    [route('r', ['/'], { hosts: ['a.*.com'] }), /is not a host name/],
    [route('r', ['/'], { hosts: ['a.com:http'] }), /invalid port/],
    [route('r', ['/'], { methods: ['get'] }), /method "get" must be upper-case/],
    [route('r', ['/'], { priority: Number.NaN }), /priority must be a finite number/],
  ];
  for (const [spec, msg] of bad) assert.throws(() => new Router([spec]), msg, JSON.stringify(spec));
  assert.throws(
    () => new Router([route('a', ['/']), route('a', ['/x'])]),
    /duplicate route name "a"/,
  );
});

test('an empty router matches nothing', () => {
  const r = new Router<string>([]);
  assert.equal(r.size, 0);
  assert.equal(r.match(req('/')), null);
  assert.deepEqual(r.explain(req('/')), { winner: null, candidates: [] });
});

test('segments whose hashes collide are told apart, in narrow and wide nodes', () => {
  // "Aa" and "BB" have the same 31-based string hash, like in Java
  const narrow = [route('Aa', ['/Aa/x']), route('BB', ['/BB/x']), route('tpl', ['/{s}/y'])];
  const wide = [...narrow, ...['c', 'd', 'e', 'f'].map((s) => route(s, [`/${s}`]))];
  for (const routes of [narrow, wide]) {
    const r = new Router(routes);
    assert.equal(winner(r, req('/Aa/x')), 'Aa');
    assert.equal(winner(r, req('/BB/x/z')), 'BB');
    assert.equal(winner(r, req('/Ab/x')), null);
    assert.equal(winner(r, req('/BB/y')), 'tpl');
  }
  const r = new Router(wide);
  for (const s of ['c', 'd', 'e', 'f']) assert.equal(winner(r, req(`/${s}/1`)), s);
});

test('exact patterns with a trailing slash and the root', () => {
  const r = new Router([
    route('root', ['=/']),
    route('dir', ['=/v1/users/']),
    route('file', ['=/v1/users']),
  ]);
  assert.equal(winner(r, req('/')), 'root');
  assert.equal(winner(r, req('/v1/users/')), 'dir');
  assert.equal(winner(r, req('/v1/users')), 'file');
  assert.equal(winner(r, req('/v1')), null);
  assert.equal(winner(r, req('/v1/users/x')), null);
});
