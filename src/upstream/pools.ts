import { performance } from 'node:perf_hooks';
import { Pool } from './undici-pool.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { ServiceRuntime, type ServiceEnv } from './service.ts';
import { upstreamMetrics, type UpstreamMetrics } from './upstream-metrics.ts';

/** Connection settings that make two pools interchangeable; a pool is reused across reloads only if equal. */
export interface PoolOptions {
  connectTimeout: number;
  /** Idle keep-alive before undici closes a pooled socket. Kept below typical upstream keep-alive (5s in node). */
  keepAliveTimeout: number;
  connections: number;
}

interface Entry {
  pool: Pool;
  refs: number;
}

/**
 * One undici `Pool` per target origin (+ options), kept across config reloads while the target is unchanged so
 * keep-alive sockets survive a reload; and one ServiceRuntime per service name (its targets, health, breakers,
 * counters), kept while any compiled table uses the service. Tables acquire at compile time and release when
 * retired, so a reload acquires before the old table releases and nothing is lost.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, Entry>();
  private readonly byPool = new Map<Pool, string>();
  private readonly services = new Map<string, { runtime: ServiceRuntime; refs: number }>();
  private metrics: UpstreamMetrics | null = null;
  private clock: Clock | null = null;
  private logger: Logger | null = null;

  acquire(origin: string, opts: PoolOptions): Pool {
    const key = `${origin}|${opts.connectTimeout}|${opts.keepAliveTimeout}|${opts.connections}`;
    let entry = this.pools.get(key);
    if (!entry) {
      const pool = new Pool(origin, {
        connections: opts.connections,
        pipelining: 1,
        connect: { timeout: opts.connectTimeout },
        keepAliveTimeout: opts.keepAliveTimeout,
        keepAliveMaxTimeout: Math.max(opts.keepAliveTimeout, 600_000),
        // Our own per-request timeouts are passed on dispatch; these are only the pool-wide fallbacks.
        headersTimeout: 300_000,
        bodyTimeout: 300_000,
        // Never let a response be larger than it says nor allow HTTP/1 pipelining surprises.
        strictContentLength: true,
      });
      entry = { pool, refs: 0 };
      this.pools.set(key, entry);
      this.byPool.set(pool, key);
    }
    entry.refs++;
    return entry.pool;
  }

  release(pool: Pool): void {
    const key = this.byPool.get(pool);
    const entry = key === undefined ? undefined : this.pools.get(key);
    if (key === undefined || entry === undefined) return;
    entry.refs--;
    if (entry.refs <= 0) {
      this.pools.delete(key);
      this.byPool.delete(pool);
      entry.pool.close().catch(() => entry.pool.destroy().catch(() => undefined));
    }
  }

  get size(): number {
    return this.pools.size;
  }

  /** Wires the process's metrics, clock and logger (every compile passes the same ones). */
  setup(metrics: Metrics, clock: Clock, logger: Logger): void {
    if (this.metrics === null) this.metrics = upstreamMetrics(metrics);
    this.clock = clock;
    this.logger = logger;
  }

  /** The runtime of a service, created on first use; pair with releaseService(). Call configure() on it. */
  acquireService(name: string): ServiceRuntime {
    let e = this.services.get(name);
    if (!e) {
      // Getters: setup() may run again on a later compile (same objects in practice).
      const env = Object.defineProperties({ pools: this } as unknown as ServiceEnv, {
        clock: { get: () => this.clock ?? { now: Date.now, monotonic: () => performance.now() } },
        logger: { get: () => this.logger! },
        metrics: { get: () => this.metrics },
      });
      const runtime = new ServiceRuntime(name, env);
      e = { runtime, refs: 0 };
      this.services.set(name, e);
    }
    e.refs++;
    return e.runtime;
  }

  releaseService(runtime: ServiceRuntime): void {
    const e = this.services.get(runtime.name);
    if (!e || e.runtime !== runtime) return;
    if (--e.refs > 0) return;
    this.services.delete(runtime.name);
    runtime.close();
    this.metrics?.circuit.remove({ service: runtime.name });
  }

  /** The live service runtime by name (admin). */
  service(name: string): ServiceRuntime | undefined {
    return this.services.get(name)?.runtime;
  }

  /** Every live service runtime (admin GET /upstreams). */
  serviceList(): ServiceRuntime[] {
    return [...this.services.values()].map((e) => e.runtime);
  }

  async closeAll(): Promise<void> {
    for (const e of this.services.values()) e.runtime.close();
    this.services.clear();
    const all = [...this.pools.values()];
    this.pools.clear();
    this.byPool.clear();
    await Promise.all(all.map((e) => e.pool.close().catch(() => e.pool.destroy())));
  }
}
