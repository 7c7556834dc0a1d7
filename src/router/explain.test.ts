import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.ts';
import { req, route } from './test-helpers.ts';


test('explain: reasons for winner, predicate failures, priority losses and no-matches', () => {
  const r = new Router([
    route('users', ['/v1/users']),
    route('users-exact', ['=/v1/users/1']),
    route('post-only', ['/v1'], { methods: ['POST'] }),
    route('other-host', ['/v1'], { hosts: ['api.other.com'] }),
    route('versioned', ['/v1'], { headers: { 'x-version': '2' } }),
    route('needs-header', ['/v1'], { headers: { 'x-tenant': 'a' } }),
    route('beta', ['/v1'], { query: { beta: 'true' } }),
    route('orders', ['/v1/orders', '=/v1/orders']),
    route('two-fail', ['/'], { methods: ['PUT'], query: { a: 'b' } }),
  ]);
  const ex = r.explain(req('/v1/users/1', { headers: { 'x-version': '1' } }));
  assert.deepEqual(ex.winner, {
    route: 'users-exact',
    pattern: '=/v1/users/1',
    kind: 'exact',
    params: {},
    rest: '',
  });
  const byRoute = Object.fromEntries(ex.candidates.map((c) => [c.route, c]));
  assert.deepEqual(byRoute['users-exact'], {
    route: 'users-exact',
    pattern: '=/v1/users/1',
    outcome: 'won',
    reason: 'won: exact path =/v1/users/1, priority rule: exact beats prefix (over "users")',
  });
  assert.deepEqual(byRoute['users'], {
    route: 'users',
    pattern: '/v1/users',
    outcome: 'lost',
    reason: 'lost to "users-exact": exact beats prefix',
  });
  assert.equal(byRoute['post-only']?.reason, 'method GET not in [POST]');
  assert.equal(byRoute['other-host']?.reason, 'host api.example.com not in [api.other.com]');
  assert.equal(byRoute['versioned']?.reason, 'header x-version: expected "2", got "1"');
  assert.equal(byRoute['needs-header']?.reason, 'header x-tenant missing');
  assert.equal(byRoute['beta']?.reason, 'query beta: expected "true", got none');
  assert.equal(
    byRoute['two-fail']?.reason,
    'method GET not in [PUT]; query a: expected "b", got none',
  );
  assert.deepEqual(byRoute['orders'], {
    route: 'orders',
    pattern: null,
    outcome: 'no-match',
    reason: 'path /v1/users/1 does not match prefix /v1/orders, exact /v1/orders',
  });
  // candidates come in declaration order, one per route
  assert.deepEqual(
    ex.candidates.map((c) => c.route),
    r.explain(req('/')).candidates.map((c) => c.route),
  );
  assert.equal(ex.candidates.length, r.size);
});

test('explain: single-pattern no-match message and template/regex descriptions', () => {
  const r = new Router([
    route('users', ['/v1/users']),
    route('tpl', ['/v1/items/{id}']),
    route('re', ['~^/v[0-9]+/items$']),
  ]);
  const ex = r.explain(req('/v1/orders/1'));
  assert.equal(ex.winner, null);
  assert.deepEqual(
    ex.candidates.map((c) => c.reason),
    [
      'path /v1/orders/1 does not match prefix /v1/users',
      'path /v1/orders/1 does not match template /v1/items/{id}',
      'path /v1/orders/1 does not match regex ~^/v[0-9]+/items$',
    ],
  );
});

test('explain: a sole winner, params and rest', () => {
  const r = new Router([route('tpl', ['/v1/items/{id}']), route('p', ['/v2'])]);
  const ex = r.explain(req('/v1/items/a%20b/'));
  assert.deepEqual(ex.winner, {
    route: 'tpl',
    pattern: '/v1/items/{id}',
    kind: 'template',
    params: { id: 'a b' },
    rest: '',
  });
  assert.equal(
    ex.candidates[0]?.reason,
    'won: template path /v1/items/{id}, the only route whose path and predicates match',
  );
  assert.equal(r.explain(req('/v2/x/y')).winner?.rest, '/x/y');
});

test('explain: explicit priority and predicate counts in loser reasons', () => {
  const r = new Router([
    route('z', ['/'], { priority: 10 }),
    route('y', ['/v1'], { methods: ['GET'], headers: { 'x-a': '1' }, query: { q: '1' } }),
    route('plain', ['/v1'], { methods: ['GET'] }),
  ]);
  const ex = r.explain(req('/v1', { headers: { 'x-a': '1' }, query: 'q=1' }));
  assert.equal(ex.winner?.route, 'z');
  assert.equal(ex.candidates[1]?.reason, 'lost to "z": explicit priority 10 vs 0');
  assert.equal(
    ex.candidates[0]?.reason,
    'won: prefix path /, priority rule: explicit priority 10 vs 0 (over "y")',
  );
});
