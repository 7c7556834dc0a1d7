/**
 * Micro-benchmark: match() cost for 10 vs 1,000 (and 10,000) routes, plus normalizePath.
 * Run: ./node_modules/.bin/node src/router/router.bench.ts
 * The claim to check: route count does not change the per-match cost noticeably (compiled index).
 *
 * Each scenario runs in a fresh child process so JIT feedback from one scenario cannot slow
 * another; each reports the median and the best of 7 rounds because the host may be busy.
 */
import { execFileSync } from 'node:child_process';
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

/** 1,024 requests spread over the first `hot` services, half prefix hits, half template hits. */
function inputsFor(hot: number): MatchInput[] {
  const inputs: MatchInput[] = [];
  for (let k = 0; k < 1024; k++) {
    const i = (k * 7919) % hot;
    const path = k % 2 === 0 ? `/svc${i}/items/${k}` : `/svc${i}/items`;
    inputs.push({ method: 'GET', host: 'api.example.com', path, headers: {}, query: '' });
  }
  return inputs;
}

let sink = 0; // keeps results alive so the JIT cannot drop the work
const OPS = 500_000;

function time(label: string, ops: number, fn: (i: number) => void): void {
  for (let i = 0; i < ops / 5; i++) fn(i); // warm-up
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - start) / ops);
  }
  rounds.sort((a, b) => a - b);
  const median = (rounds[3] as number).toFixed(1).padStart(7);
  const best = (rounds[0] as number).toFixed(1).padStart(7);
  console.log(`${label.padEnd(50)} median ${median} ns/op   best ${best} ns/op`);
}

function matchScenario(n: number, hot: number): void {
  const router = new Router(routesFor(n));
  const inputs = inputsFor(hot);
  time(`match, ${n} services (${router.size} routes), ${hot} hot`, OPS, (i) => {
    const m = router.match(inputs[i & 1023] as MatchInput);
    sink += m === null ? 0 : m.rest.length + 1;
  });
}

// "1000/10" touches as much memory per request as "10/10": it separates the algorithmic cost of the
// route count from CPU cache effects of spreading traffic over many routes.
const scenarios: Record<string, () => void> = {
  'match-10': () => matchScenario(10, 10),
  'match-1000-hot10': () => matchScenario(1_000, 10),
  'match-1000': () => matchScenario(1_000, 1_000),
  'match-10000': () => matchScenario(10_000, 10_000),
  'vhosts-1000': () => {
    const routes: Array<RouteSpec<number>> = [];
    for (let i = 0; i < 1000; i++) {
      routes.push({ name: `h${i}`, paths: ['/'], hosts: [`h${i}.example.com`], data: i });
    }
    const router = new Router(routes);
    const inputs = Array.from({ length: 1024 }, (_, k) => ({
      method: 'GET',
      host: `h${(k * 7919) % 1000}.example.com`,
      path: '/x',
      headers: {},
      query: '',
    }));
    time('match, 1,000 virtual hosts all on "/"', OPS, (i) => {
      sink += router.match(inputs[i & 1023] as MatchInput)?.route.data ?? 0;
    });
  },
  'normalize-fast': () =>
    time('normalizePath, fast path', OPS * 4, () => {
      const r = normalizePath('/v1/users/12345/orders');
      sink += r.ok ? r.path.length : 0;
    }),
  'normalize-slow': () =>
    time('normalizePath, slow path (dots, %7e, //)', OPS, () => {
      const r = normalizePath('/v1/./users/%7e12345//orders/../orders');
      sink += r.ok ? r.path.length : 0;
    }),
};

const which = process.argv[2];
if (which !== undefined) {
  scenarios[which]?.();
  if (sink === 42) console.log('');
} else {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const name of Object.keys(scenarios)) {
    const out = execFileSync(process.execPath, [import.meta.filename, name], { encoding: 'utf8' });
    process.stdout.write(out);
  }
}
