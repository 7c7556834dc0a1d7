import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, type MatchInput, type RouteSpec } from './router.ts';

function req(path: string, more: Partial<MatchInput> = {}): MatchInput {
  return { method: 'GET', host: 'api.example.com', path, headers: {}, query: '', ...more };
}

test('1,000 routes: every one is reachable and boundaries hold', () => {
  const routes: Array<RouteSpec<number>> = [];
  for (let i = 0; i < 1000; i++) {
    routes.push({ name: `svc${i}`, paths: [`/svc${i}/items`], data: i });
    if (i % 10 === 0)
      routes.push({ name: `svc${i}-one`, paths: [`/svc${i}/items/{id}`], data: -i });
    if (i % 100 === 0) {
      routes.push({
        name: `svc${i}-host`,
        paths: [`/svc${i}`],
        hosts: [`h${i}.example.com`],
        data: i,
      });
    }
  }
  routes.push({ name: 'fallback', paths: ['/'], data: -1 });
  const r = new Router(routes);
  assert.equal(r.size, routes.length);
  for (let i = 0; i < 1000; i++) {
    assert.equal(r.match(req(`/svc${i}/items`))?.route.data, i);
    assert.equal(r.match(req(`/svc${i}/items/a/b`))?.rest, '/a/b');
    const one = r.match(req(`/svc${i}/items/7`));
    if (i % 10 === 0) assert.deepEqual([one?.route.data, one?.params], [-i, { id: '7' }]);
    else assert.equal(one?.route.data, i);
    assert.equal(r.match(req(`/svc${i}/itemsX`))?.route.name, 'fallback');
    const hosted = r.match(req(`/svc${i}/other`, { host: `h${i}.example.com:8080` }));
    assert.equal(hosted?.route.name, i % 100 === 0 ? `svc${i}-host` : 'fallback');
  }
});

// A tiny deterministic PRNG so a failure is reproducible.
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

test('the compiled index and the linear explain always agree (randomized)', () => {
  const rand = rng(12345);
  const pick = <X>(xs: readonly X[]): X => xs[rand(xs.length)] as X;
  const segs = ['a', 'b', 'v1', 'x'] as const;
  const hosts = ['api.example.com', '*.example.com', 'b.example.com:8443', 'other.org'] as const;
  const randPath = (n: number) => '/' + Array.from({ length: n }, () => pick(segs)).join('/');
  for (let round = 0; round < 200; round++) {
    const routes: Array<RouteSpec<null>> = [];
    const count = 1 + rand(12);
    for (let i = 0; i < count; i++) {
      const paths: string[] = [];
      for (let k = 0; k <= rand(2); k++) {
        const base = randPath(1 + rand(3));
        const kind = rand(6);
        if (kind === 0) paths.push('=' + base);
        else if (kind === 1) paths.push(base.replace(/\/(a|b)(?=\/|$)/, '/{p}'));
        else if (kind === 2) paths.push(`~^${base}(?<tail>/[a-z]+)?`);
        else if (kind === 3) paths.push(base + '/');
        else if (kind === 4) paths.push('/');
        else paths.push(base);
      }
      const spec: RouteSpec<null> = { name: `r${i}`, paths, data: null };
      if (rand(3) === 0) spec.methods = [pick(['GET', 'POST'])];
      if (rand(3) === 0) spec.hosts = Array.from({ length: 1 + rand(2) }, () => pick(hosts));
      if (rand(4) === 0) spec.headers = { 'x-a': pick(['1', '2']) };
      if (rand(4) === 0) spec.query = { q: pick(['1', '2']) };
      if (rand(6) === 0) spec.priority = rand(3) - 1;
      routes.push(spec);
    }
    const router = new Router(routes);
    for (let j = 0; j < 30; j++) {
      const input = req(randPath(1 + rand(4)) + (rand(4) === 0 ? '/' : ''), {
        method: pick(['GET', 'POST']),
        host: pick([
          'api.example.com',
          'z.example.com',
          'b.example.com:8443',
          'b.example.com',
          'other.org:1',
        ]),
        headers: rand(2) === 0 ? { 'x-a': pick(['1', '2']) } : {},
        query: rand(2) === 0 ? `q=${pick(['1', '2'])}` : '',
      });
      const m = router.match(input);
      const w = router.explain(input).winner;
      const got = m && {
        route: m.route.name,
        pattern: m.pattern,
        kind: m.kind,
        params: m.params,
        rest: m.rest,
      };
      assert.deepEqual(got, w, JSON.stringify({ routes, input }));
    }
  }
});
