/**
 * Runs one autocannon measurement in its own process (so the load generator never shares an event loop
 * with anything else) and prints `BENCH_JSON <LoadResult>` on stdout.
 * Usage: node bench/lib/autocannon-worker.ts <spec.json>   (spec: AutocannonSpec from load.ts)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AutocannonSpec, LoadResult } from './load.ts';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  non2xx: number;
  latency: { p50: number; p99: number };
  requests: { total: number };
}
type Autocannon = (opts: Record<string, unknown>) => PromiseLike<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as AutocannonSpec;
const path = new URL(spec.url).pathname + new URL(spec.url).search;

const opts: Record<string, unknown> = {
  url: spec.url,
  method: spec.method,
  headers: spec.headers,
  body: spec.body,
  connections: spec.connections,
  pipelining: 1,
  duration: spec.durationSec,
  timeout: 10,
};
if (spec.headerSets && spec.headerSets.length > 0) {
  // One dynamic request drawing from a process-wide counter, so the sets rotate uniformly across all
  // connections. (A static `requests` array would be walked from index 0 by every connection in lockstep:
  // a 5 s run would only ever reach the first few hundred of 1,000 tokens.) Costs a request rebuild each.
  const sets = spec.headerSets.map((h) => ({ ...spec.headers, ...h }));
  let k = 0;
  opts.requests = [
    {
      method: spec.method,
      path,
      body: spec.body,
      setupRequest: (req: AutocannonRequest) => {
        req.headers = sets[k++ % sets.length];
        return req;
      },
    },
  ];
}

const r = await autocannon(opts);
const result: LoadResult = {
  requests: r.requests.total,
  durationSec: r.duration,
  rps: r.requests.total / r.duration,
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
};
process.stdout.write(`BENCH_JSON ${JSON.stringify(result)}\n`);
