import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, type MatchInput, type RouteSpec } from './router.ts';
import { req, route } from './test-helpers.ts';
import { regexLiteralLength } from './path-pattern.ts';


interface Row {
  rule: string;
  routes: Array<RouteSpec<string>>;
  input: MatchInput;
  winner: string;
  /** the reason explain gives for this loser */
  loser: string;
  reason: string;
}

// One row per priority rule (and the interesting corners of each); every row is checked through
// both `match` and `explain`, in the declared order and reversed where the rule is
// order-independent.
const table: Row[] = [
  {
    rule: '1: explicit priority beats an exact path',
    routes: [route('exact', ['=/a']), route('high', ['/'], { priority: 10 })],
    input: req('/a'),
    winner: 'high',
    loser: 'exact',
    reason: 'lost to "high": explicit priority 10 vs 0',
  },
  {
    rule: '1: a negative priority ranks below routes without one',
    routes: [route('neg', ['=/a'], { priority: -1 }), route('plain', ['/'])],
    input: req('/a'),
    winner: 'plain',
    loser: 'neg',
    reason: 'lost to "plain": explicit priority 0 vs -1',
  },
  {
    rule: '2: exact beats prefix',
    routes: [route('users', ['/v1/users']), route('users-exact', ['=/v1/users'])],
    input: req('/v1/users'),
    winner: 'users-exact',
    loser: 'users',
    reason: 'lost to "users-exact": exact beats prefix',
  },
  {
    rule: '2: exact beats template',
    routes: [route('tpl', ['/v1/{x}']), route('ex', ['=/v1/users'])],
    input: req('/v1/users'),
    winner: 'ex',
    loser: 'tpl',
    reason: 'lost to "ex": exact beats template',
  },
  {
    rule: '2: exact beats regex',
    routes: [route('re', ['~^/v1/users$']), route('ex', ['=/v1/users'])],
    input: req('/v1/users'),
    winner: 'ex',
    loser: 're',
    reason: 'lost to "ex": exact beats regex',
  },
  {
    rule: '2: template beats a longer prefix',
    routes: [route('long', ['/v1/users/123/orders']), route('tpl', ['/v1/{x}/123/orders'])],
    input: req('/v1/users/123/orders'),
    winner: 'tpl',
    loser: 'long',
    reason: 'lost to "tpl": template beats prefix',
  },
  {
    rule: '2: regex beats prefix',
    routes: [route('p', ['/v1/users']), route('re', ['~^/v1'])],
    input: req('/v1/users/1'),
    winner: 're',
    loser: 'p',
    reason: 'lost to "re": regex beats prefix',
  },
  {
    rule: '3: longer prefix wins',
    routes: [route('v1', ['/v1']), route('x', ['/v1/users'])],
    input: req('/v1/users/7'),
    winner: 'x',
    loser: 'v1',
    reason: 'lost to "x": longer prefix /v1/users beats /v1',
  },
  {
    rule: '3: a trailing-slash prefix is longer',
    routes: [route('bare', ['/v1']), route('slash', ['/v1/'])],
    input: req('/v1/a'),
    winner: 'slash',
    loser: 'bare',
    reason: 'lost to "slash": longer prefix /v1/ beats /v1',
  },
  {
    rule: '3: template with more literal characters wins',
    routes: [route('two', ['/v1/{a}/{b}']), route('one', ['/v1/users/{b}'])],
    input: req('/v1/users/5'),
    winner: 'one',
    loser: 'two',
    reason: 'lost to "one": more literal characters: /v1/users/{b} (10) beats /v1/{a}/{b} (5)',
  },
  {
    rule: '3: regex and template compare literal characters',
    routes: [route('tpl', ['/v1/users/{id}']), route('re', ['~^/v1/users/1'])],
    input: req('/v1/users/1'),
    winner: 're',
    loser: 'tpl',
    reason: 'lost to "re": more literal characters: ~^/v1/users/1 (11) beats /v1/users/{id} (10)',
  },
  {
    rule: '4: more predicates win',
    routes: [
      route('y', ['/v1'], { methods: ['GET'], headers: { 'x-a': '1' }, query: { q: '1' } }),
      route('plain', ['/v1'], { methods: ['GET'] }),
    ],
    input: req('/v1', { headers: { 'x-a': '1' }, query: 'q=1' }),
    winner: 'y',
    loser: 'plain',
    reason: 'lost to "y": more predicates (3 vs 1)',
  },
  {
    rule: '4: an exact host beats a wildcard host',
    routes: [
      route('wild', ['/'], { hosts: ['*.example.com'] }),
      route('exact', ['/'], { hosts: ['api.example.com'] }),
    ],
    input: req('/x'),
    winner: 'exact',
    loser: 'wild',
    reason: 'lost to "exact": more predicates (2 vs 1)',
  },
  {
    rule: '4: a wildcard host beats no host',
    routes: [route('none', ['/']), route('wild', ['/'], { hosts: ['*.example.com'] })],
    input: req('/x'),
    winner: 'wild',
    loser: 'none',
    reason: 'lost to "wild": more predicates (1 vs 0)',
  },
  {
    rule: '4: a mixed host list scores by the host that matched (exact here)',
    routes: [
      route('method', ['/'], { hosts: ['*.example.com'], methods: ['GET'] }),
      route('mixed', ['/'], {
        hosts: ['*.example.com', 'api.example.com'],
        methods: ['GET'],
        headers: { 'x-a': '1' },
      }),
    ],
    input: req('/', { headers: { 'x-a': '1' } }),
    winner: 'mixed',
    loser: 'method',
    reason: 'lost to "mixed": more predicates (4 vs 2)',
  },
  {
    rule: '4: a mixed host list scores by the host that matched (wildcard here)',
    routes: [
      route('mixed', ['/'], { hosts: ['*.example.com', 'api.example.com'] }),
      route('method', ['/'], { hosts: ['*.example.com'], methods: ['GET'] }),
    ],
    input: req('/', { host: 'b.example.com' }),
    winner: 'method',
    loser: 'mixed',
    reason: 'lost to "method": more predicates (2 vs 1)',
  },
  {
    rule: '5: declaration order breaks a full tie',
    routes: [route('w', ['/v1']), route('later', ['/v1'])],
    input: req('/v1/x'),
    winner: 'w',
    loser: 'later',
    reason: 'lost to "w": declared earlier',
  },
  {
    rule: '5: regex and template with the same literal length tie down to declaration order',
    routes: [route('re', ['~^/v1/users/[0-9]+$']), route('tpl', ['/v1/users/{id}'])],
    input: req('/v1/users/1'),
    winner: 're',
    loser: 'tpl',
    reason: 'lost to "re": declared earlier',
  },
];

test('priority table: match and explain agree on every rule', () => {
  for (const row of table) {
    const r = new Router(row.routes);
    assert.equal(r.match(row.input)?.route.name, row.winner, row.rule);
    const ex = r.explain(row.input);
    assert.equal(ex.winner?.route, row.winner, row.rule);
    const loser = ex.candidates.find((c) => c.route === row.loser);
    assert.equal(loser?.outcome, 'lost', row.rule);
    assert.equal(loser?.reason, row.reason, row.rule);
    const won = ex.candidates.find((c) => c.route === row.winner);
    assert.equal(won?.outcome, 'won', row.rule);
    // every rule except declaration order must survive reversing the declarations
    if (!row.rule.startsWith('5')) {
      assert.equal(
        new Router([...row.routes].reverse()).match(row.input)?.route.name,
        row.winner,
        row.rule,
      );
    }
  }
});

test('a higher-ranked route whose predicate fails yields to the next one', () => {
  const r = new Router([
    route('top', ['/'], { priority: 100, methods: ['POST'] }),
    route('exact', ['=/a'], { headers: { 'x-a': '1' } }),
    route('tpl', ['/{x}']),
    route('prefix', ['/a']),
  ]);
  assert.equal(r.match(req('/a', { method: 'POST' }))?.route.name, 'top');
  assert.equal(r.match(req('/a', { headers: { 'x-a': '1' } }))?.route.name, 'exact');
  assert.equal(r.match(req('/a'))?.route.name, 'tpl');
  assert.equal(r.match(req('/a/b'))?.route.name, 'prefix');
});

test('regex literal length heuristic', () => {
  assert.equal(regexLiteralLength('^/v[0-9]+/items$'), 8);
  assert.equal(regexLiteralLength('^/v1/users/1'), 11);
  assert.equal(regexLiteralLength('^/a\\.json$'), 7);
  assert.equal(regexLiteralLength('^/(?<id>\\d+)/x{2,3}$'), 3);
  assert.equal(regexLiteralLength('^/(?:a|b)(?=c)'), 4);
  assert.equal(regexLiteralLength('[/abc\\]]x'), 1);
  assert.equal(regexLiteralLength('^/(?i:ab)'), 3);
});
