/**
 * The bench scenarios, as data. `npm run bench` runs every entry of `scenarios` (or those picked with
 * `--only A,C` / BENCH_ONLY), interleaved round by round. To bench something new, append an entry; see
 * bench/README.md ("Adding a scenario") and the commented examples at the bottom of this file.
 */

/** Request headers, name → value. Use lower-case names. */
export type HeaderSet = Record<string, string>;

/** A value, or a (possibly async) function computing it once, right before the scenario starts. */
export type Lazy<T> = T | (() => T | Promise<T>);

/** What the load generator hits. Every target is its own process, pinned to the target core. */
export type Target =
  /** A dedicated copy of bench/upstream.ts: the ceiling for any proxy. */
  | { kind: 'direct' }
  /** bench/bare-proxy.ts: node:http + one undici Pool, no routing; the plain-Node ceiling. */
  | { kind: 'bare-proxy' }
  /** bench/fastify-jwt.ts: fastify + @fastify/jwt (HS256) + @fastify/reply-from; the stack issue 3 compares with. */
  | { kind: 'fastify-jwt' }
  /** `node bin/portico.js start --config <generated yaml>`. */
  | { kind: 'portico'; portico: PorticoTarget };

export interface PorticoTarget {
  /**
   * Total number of routes, including the bench route. The others are filler routes r0…r(N-2)
   * (`paths: ['/r<i>']`, service `up`) unless `fillerRoute` says otherwise.
   */
  routes: number;
  /** Builds filler route i (0 ≤ i < routes-1). Default: `{ name: 'r<i>', paths: ['/r<i>'], service: 'up' }`. */
  fillerRoute?: (i: number) => Record<string, unknown>;
  /**
   * Merged into the bench route `{ name: 'bench', paths: ['/bench'], service: 'up' }`, e.g.
   * `{ plugins: { 'rate-limiting': { limit: 1e9, window: '1s' } } }`.
   */
  benchRoute?: Record<string, unknown>;
  /** Number of targets of the service (same upstream, told apart by a path prefix); default 1. */
  targets?: number;
  /** Merged into the service `{ name: 'up', url: 'http://127.0.0.1:<upstream port>' }`. */
  service?: Record<string, unknown>;
  /**
   * Merged into the whole generated config (after routes/services are built): objects merge recursively,
   * arrays are appended (so `routes`/`services`/`consumers` here add entries), scalars replace.
   * E.g. `{ consumers: [...], plugins: { ... } }`.
   */
  config?: Lazy<Record<string, unknown>>;
  /** Extra environment variables for the Portico process. */
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--max-semi-space-size=64']. */
  nodeArgs?: string[];
}

export interface Scenario {
  /** Short unique key (used for ratios, `--only`, and the JSON). */
  id: string;
  /** Human label for the table. */
  name: string;
  target: Target;
  /** Request path (and query) the load generator sends. */
  path: string;
  /** Default GET. */
  method?: string;
  /** Request body, sent with every request (content-length is set by the load generator). */
  body?: string;
  /** Headers sent with every request. */
  headers?: HeaderSet;
  /**
   * Distinct header sets to rotate through, one per request in order (merged over `headers`), e.g. 1,000
   * different `authorization` tokens. wrk: a generated Lua script with prebuilt requests and one rotating
   * counter; autocannon: its `requests` array (one dynamic request drawing from a process-wide counter).
   */
  headerSets?: Lazy<HeaderSet[]>;
  /**
   * Status the pre-flight request must return (default: any 2xx). The pre-flight sends one request with
   * the first header set before warm-up; a mismatch is reported as a warning in the table.
   */
  expectStatus?: number;
  /**
   * Ids of scenarios to print ratios against (this ÷ that). Every non-direct scenario is also compared
   * with the first `direct` scenario automatically.
   */
  compareTo?: string[];
}

import { API_KEY, bearerTokens, jwtPluginHs, jwtPluginRs, keyAuthConsumers } from './fixtures.ts';

const BENCH_PATH = '/bench/x';

export const scenarios: Scenario[] = [
  { id: 'A', name: 'direct → upstream', target: { kind: 'direct' }, path: BENCH_PATH },
  { id: 'B', name: 'bare node:http + undici proxy', target: { kind: 'bare-proxy' }, path: BENCH_PATH },
  {
    id: 'C',
    name: 'Portico, no plugins, 10 routes',
    target: { kind: 'portico', portico: { routes: 10 } },
    path: BENCH_PATH,
    compareTo: ['B'],
  },
  {
    id: 'D',
    name: 'Portico, no plugins, 1,000 routes',
    target: { kind: 'portico', portico: { routes: 1_000 } },
    path: BENCH_PATH,
    compareTo: ['C'],
  },

  // Issue 3: auth. Caching verified tokens is on by default; cache_size 0 measures the signature check itself.
  // Each auth scenario is also compared with Portico without plugins serving the very same requests (CJ, CK):
  // that ratio is the plugin's own cost; the one to C adds the cost of carrying the credential at all.
  ...jwtScenarios(),
  {
    id: 'K',
    name: 'Portico + key-auth',
    target: { kind: 'portico', portico: { routes: 10, benchRoute: { plugins: { 'key-auth': {} } }, config: keyAuthConsumers } },
    path: BENCH_PATH,
    headers: { 'x-api-key': API_KEY },
    compareTo: ['C', 'CK'],
  },
  {
    id: 'CK',
    name: 'Portico, no plugins, requests with the API key',
    target: { kind: 'portico', portico: { routes: 10 } },
    path: BENCH_PATH,
    headers: { 'x-api-key': API_KEY },
  },
  // Issue 5: a 4-target service under each balancer, beside the single-target figure (C).
  ...balancerScenarios(),
  // Issue 4: rate limiting that never trips (limits far above the load), memory and Redis.
  {
    id: 'RM',
    name: 'Portico + rate-limiting (memory)',
    target: { kind: 'portico', portico: { routes: 10, benchRoute: { plugins: { 'rate-limiting': rateLimit('memory', ['ip']) } } } },
    path: BENCH_PATH,
    compareTo: ['C'],
  },
  {
    id: 'RR1',
    name: 'Portico + rate-limiting (redis, 1 key)',
    target: { kind: 'portico', portico: { routes: 10, benchRoute: { plugins: { 'rate-limiting': rateLimit('redis', ['global']) } } } },
    path: BENCH_PATH,
    compareTo: ['C'],
  },
  {
    id: 'RR10K',
    name: 'Portico + rate-limiting (redis, 10,000 keys)',
    target: {
      kind: 'portico',
      portico: { routes: 10, benchRoute: { plugins: { 'rate-limiting': rateLimit('redis', ['header:X-Tenant']) } } },
    },
    path: BENCH_PATH,
    headerSets: () => Array.from({ length: 10_000 }, (_, i) => ({ 'x-tenant': `t${i}` })),
    compareTo: ['C'],
  },
];

function balancerScenarios(): Scenario[] {
  const balancers = ['round-robin', 'weighted-round-robin', 'least-connections', 'random', 'p2c', 'consistent-hash', 'least-latency'];
  return balancers.map((balancer) => ({
    id: `LB-${balancer}`,
    name: `Portico, 4 targets, ${balancer}`,
    target: { kind: 'portico', portico: { routes: 10, targets: 4, service: { balancer } } },
    path: BENCH_PATH,
    compareTo: ['C'],
  }));
}

function jwtScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const alg of ['HS256', 'RS256'] as const) {
    const plugin = alg === 'HS256' ? jwtPluginHs : jwtPluginRs;
    const id = alg === 'HS256' ? 'JH' : 'JR';
    out.push(
      {
        id: `${id}1`,
        name: `Portico + jwt ${alg}, one token repeated (cache)`,
        target: { kind: 'portico', portico: { routes: 10, benchRoute: { plugins: plugin() } } },
        path: BENCH_PATH,
        headerSets: () => bearerTokens(alg, 1),
        compareTo: ['C', 'CJ'],
      },
      {
        id: `${id}1K`,
        name: `Portico + jwt ${alg}, 1,000 distinct tokens, no cache`,
        target: {
          kind: 'portico',
          portico: { routes: 10, benchRoute: { plugins: { jwt: { ...plugin().jwt, cache_size: 0 } } } },
        },
        path: BENCH_PATH,
        headerSets: () => bearerTokens(alg, 1_000),
        compareTo: ['C', 'CJ'],
      },
    );
  }
  out.push({
    id: 'CJ',
    name: 'Portico, no plugins, requests with the 1,000 HS256 tokens',
    target: { kind: 'portico', portico: { routes: 10 } },
    path: BENCH_PATH,
    headerSets: () => bearerTokens('HS256', 1_000),
  });
  // The wording, with the plugin's defaults: 1,000 distinct tokens, each verified once, then cached.
  out.push({
    id: 'JH1KC',
    name: 'Portico + jwt HS256, 1,000 distinct tokens (defaults: cache on)',
    target: { kind: 'portico', portico: { routes: 10, benchRoute: { plugins: jwtPluginHs() } } },
    path: BENCH_PATH,
    headerSets: () => bearerTokens('HS256', 1_000),
    compareTo: ['C', 'CJ', 'FJ'],
  });
  out.push({
    id: 'FJ',
    name: 'fastify + @fastify/jwt HS256 + reply-from, one token',
    target: { kind: 'fastify-jwt' },
    path: BENCH_PATH,
    headerSets: () => bearerTokens('HS256', 1),
  });
  // Portico's jwt beside fastify's, both verifying the same HS256 token: JH1 ÷ FJ and JH1K ÷ FJ.
  out.find((s) => s.id === 'JH1')!.compareTo!.push('FJ');
  out.find((s) => s.id === 'JH1K')!.compareTo!.push('FJ');
  return out;
}

function rateLimit(store: 'memory' | 'redis', key: string[]): Record<string, unknown> {
  return {
    limits: [{ limit: 1_000_000_000, window: '1m' }],
    algorithm: 'sliding-window',
    key,
    store,
  };
}
