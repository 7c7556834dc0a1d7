/**
 * ns per request for the metrics hot path, against prom-client's own children; and the cost of a
 * scrape. Not a test: ./node_modules/.bin/node src/observability/metrics.bench.ts
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS, Metrics } from './metrics.ts';

const N = 1_000_000;

function bench(name: string, f: (i: number) => void): void {
  for (let i = 0; i < 100_000; i++) f(i);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f(i);
    runs.push(Number(process.hrtime.bigint() - t0) / N);
  }
  runs.sort((a, b) => a - b);
  const [median, min] = [runs[2]!.toFixed(0), runs[0]!.toFixed(0)];
  console.log(`${name.padEnd(58)} ${median.padStart(6)} ns  (min ${min})`);
}

const m = new Metrics({ defaultMetrics: false });
const rm = m.forRoute('users', 'accounts');
bench('RouteMetrics.observe (counter + 2 histograms) [chosen]', (i) =>
  rm.observe(i & 15 ? 200 : 404, 0.003 + (i & 255) / 1000, 0.002),
);

// The design the brief proposed: prom-client children cached per status code.
const reg = new Registry();
const labels = ['route', 'service'] as const;
const buckets = [...LATENCY_BUCKETS];
const statusLabels = [...labels, 'status'];
const c = new Counter({ name: 'c', help: 'h', labelNames: statusLabels, registers: [reg] });
const d = new Histogram({ name: 'd', help: 'h', labelNames: labels, buckets, registers: [reg] });
const u = new Histogram({ name: 'u', help: 'h', labelNames: labels, buckets, registers: [reg] });
const byStatus = [c.labels('users', 'accounts', '200'), c.labels('users', 'accounts', '404')];
const dc = d.labels('users', 'accounts');
const uc = u.labels('users', 'accounts');
bench('prom-client children cached per status', (i) => {
  byStatus[i & 15 ? 0 : 1]!.inc();
  dc.observe(0.003 + (i & 255) / 1000);
  uc.observe(0.002);
});

bench('inFlight.inc() + dec()', () => {
  m.inFlight.inc();
  m.inFlight.dec();
});

// A scrape with 500 routes × 3 status codes.
const big = new Metrics({ defaultMetrics: false });
for (let r = 0; r < 500; r++) {
  const pair = big.forRoute(`route-${r}`, `service-${r % 20}`);
  for (const status of [200, 404, 503]) pair.observe(status, 0.01, 0.005);
}
const t0 = process.hrtime.bigint();
for (let i = 0; i < 20; i++) await big.text();
const ms = Number(process.hrtime.bigint() - t0) / 20 / 1e6;
console.log(`text() with 500 routes × 3 statuses: ${ms.toFixed(1)} ms`);
