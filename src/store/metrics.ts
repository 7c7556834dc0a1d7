import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Rate-limiting store metrics, on a registry of their own: plugins get no Metrics handle in PluginEnv, so
 * this module owns them and the runtime merges `storeMetrics` into `/metrics`.
 */
export const storeMetrics = new Registry();

/**
 * Store calls that failed (`reason="error"`: refused, timed out, Redis error) and requests decided without
 * the store because it is cooling down after consecutive failures (`reason="cooldown"`).
 */
export const storeErrors = new Counter({
  name: 'portico_ratelimit_store_errors_total',
  help: 'Rate-limit store failures (reason="error") and requests that skipped a cooling-down store (reason="cooldown").',
  labelNames: ['store', 'reason'] as const,
  registers: [storeMetrics],
});

export const redisErrorCounter = storeErrors.labels('redis', 'error');
export const redisCooldownCounter = storeErrors.labels('redis', 'cooldown');

/** Sources for the memory-store gauges, read at scrape time (nothing is counted on the hot path). */
export const memoryStats: { keys: () => number; evictions: () => number } = { keys: () => 0, evictions: () => 0 };

new Gauge({
  name: 'portico_ratelimit_memory_keys',
  help: 'Keys held by the in-process rate-limit store.',
  registers: [storeMetrics],
  collect() {
    this.set(memoryStats.keys());
  },
});

new Counter({
  name: 'portico_ratelimit_memory_evictions_total',
  help: 'Live keys the in-process rate-limit store evicted to stay under its bound.',
  registers: [storeMetrics],
  collect() {
    // The store counts in a plain number; the counter mirrors it at scrape time.
    this.reset();
    this.inc(memoryStats.evictions());
  },
});
