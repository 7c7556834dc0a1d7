/**
 * Micro-benchmark: match() cost for 10 vs 1,000 (and 10,000) routes, plus normalizePath.
 * Run: ./node_modules/.bin/node src/router/router.bench.ts
 * The claim to check: route count does not change the per-match cost noticeably (compiled index).
 */
import { normalizePath, Router, type MatchInput, type RouteSpec } from './router.ts';

function routesFor(n: number): Array<RouteSpec<number>> {
  const routes: Array<RouteSpec<number>> = [];
  for (let i = 0; i < n; i++) {
    routes.push({ name: `svc${i}`, paths: [`/svc${i}/items`], data: i });
    routes.push({ name: `svc${i}-one`, paths: [`/svc${i}/items/{id}`], methods: ['GET'], data: i });
  }
  routes.push({ name: 'fallback', paths: ['/'], data: -1 });
  return routes;
}

function inputsFor(n: number): MatchInput[] {
  const inputs: MatchInput[] = [];
  for (let k = 0; k < 1024; k++) {
    const i = (k * 7919) % n; // spread over all routes
    const path = k % 2 === 0 ? `/svc${i}/items/${k}` : `/svc${i}/items`;
    inputs.push({ method: 'GET', host: 'api.example.com', path, headers: {}, query: '' });
  }
  return inputs;
}

let sink = 0; // keeps results alive so the JIT cannot drop the work

// The host may be busy (shared CI, other jobs): report the median and the best of several rounds.
function time(label: string, ops: number, fn: (i: number) => void): void {
  for (let i = 0; i < ops / 10; i++) fn(i); // warm-up
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - start) / ops);
  }
  rounds.sort((a, b) => a - b);
  const median = (rounds[3] as number).toFixed(1).padStart(7);
  const best = (rounds[0] as number).toFixed(1).padStart(7);
  console.log(`${label.padEnd(42)} median ${median} ns/op   best ${best} ns/op`);
}

const OPS = 500_000;
for (const n of [10, 1_000, 10_000]) {
  const router = new Router(routesFor(n));
  const inputs = inputsFor(n);
  time(`match, ${n} services (${router.size} routes)`, OPS, (i) => {
    const m = router.match(inputs[i & 1023] as MatchInput);
    sink += m === null ? 0 : m.rest.length + 1;
  });
}

{
  // hosts: 1,000 virtual hosts all on path `/`, request hits one of them
  const routes: Array<RouteSpec<number>> = [];
  for (let i = 0; i < 1000; i++) routes.push({ name: `h${i}`, paths: ['/'], hosts: [`h${i}.example.com`], data: i });
  const router = new Router(routes);
  const inputs = Array.from({ length: 1024 }, (_, k) => ({
    method: 'GET',
    host: `h${(k * 7919) % 1000}.example.com`,
    path: '/x',
    headers: {},
    query: '',
  }));
  time('match, 1,000 virtual hosts on "/"', OPS, (i) => {
    sink += router.match(inputs[i & 1023] as MatchInput)?.route.data ?? 0;
  });
}

const clean = '/v1/users/12345/orders';
const dirty = '/v1/./users/%7e12345//orders/../orders';
time('normalizePath, fast path', OPS * 5, () => {
  const r = normalizePath(clean);
  sink += r.ok ? r.path.length : 0;
});
time('normalizePath, slow path (dots, %7e, //)', OPS, () => {
  const r = normalizePath(dirty);
  sink += r.ok ? r.path.length : 0;
});
if (sink === 42) console.log('');
