/**
 * Spawned by cluster-metrics.test.ts (not a test itself): a primary with two workers. Worker n
 * observes n requests on one route, so the sum (3) tells aggregation from a single worker's answer
 * (1 or 2). The primary prints one JSON line `{ text, pids }` to stdout, disconnects the workers,
 * waits for them to exit, exits 0.
 */
import cluster from 'node:cluster';
import { Counter, Registry } from 'prom-client';
import { aggregateClusterMetrics, registerWorkerMetrics } from './cluster-metrics.ts';
import { Metrics } from './metrics.ts';
import { upstreamMetrics } from '../upstream/upstream-metrics.ts';

const WORKERS = 2;

if (cluster.isPrimary) {
  // Never outlive a stuck run: the test would otherwise leave this process and its workers behind.
  const guard = setTimeout(() => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    process.exit(2);
  }, 20_000);
  guard.unref();

  let ready = 0;
  const pids: number[] = [];
  for (let i = 1; i <= WORKERS; i++) {
    const w = cluster.fork({ FIXTURE_OBSERVE: String(i) });
    w.on('message', (m: unknown) => {
      if (m !== 'ready') return;
      pids.push(w.process.pid ?? -1);
      if (++ready === WORKERS) void report(pids);
    });
  }

  const report = async (workerPids: number[]): Promise<void> => {
    const text = await aggregateClusterMetrics();
    process.stdout.write(JSON.stringify({ text, pids: workerPids }) + '\n');
    // disconnect() closes the IPC channels; then nothing keeps a worker alive and it exits.
    cluster.disconnect(() => {
      clearTimeout(guard);
    });
  };
} else {
  const metrics = new Metrics();
  registerWorkerMetrics(metrics);
  const n = Number(process.env.FIXTURE_OBSERVE);
  const rm = metrics.forRoute('users', 'accounts');
  for (let i = 0; i < n; i++) rm.observe(200, 0.02, 0.01);
  metrics.inFlight.inc();
  metrics.configInfo('abc123');
  // State gauges: worker 2 sees target b unhealthy and its breaker open.
  const um = upstreamMetrics(metrics);
  um.health.set({ service: 'accounts', target: 'a' }, 1);
  um.health.set({ service: 'accounts', target: 'b' }, n === 2 ? 0 : 1);
  um.circuit.set({ service: 'accounts' }, n === 2 ? 1 : 0);
  // A feature registry included after registration (as a reload adding a rate-limit store would).
  const extra = new Registry();
  new Counter({ name: 'fixture_extra_total', help: 'x', registers: [extra] }).inc(n);
  metrics.include(extra);
  process.send?.('ready');
}
