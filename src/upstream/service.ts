import type { Ctx } from '../sdk/context.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { PoolRegistry } from './pools.ts';
import { PRECISE_FIRST_BYTE_MS, type ServiceSpec, type Timeouts, type RetrySpec } from './spec.ts';
import type { UpstreamMetrics } from './upstream-metrics.ts';
import type { FailureKind } from './retry.ts';
import type { Found } from './discovery/dns.ts';
import { Target, type TargetSource } from './target.ts';
import { createBalancer, type Balancer, type BalancerName } from './balancer/index.ts';
import { Breaker, BREAKER_GAUGE } from './breaker.ts';
import { RetryBudget } from './retry.ts';
import { compileKey, hash32, type KeyOf } from './hash.ts';
import { peakEwma } from './ewma.ts';
import { recordFailure } from './passive.ts';
import { ActiveChecker } from './active-check.ts';
import { DnsDiscovery } from './discovery/dns.ts';
import { FileDiscovery } from './discovery/file.ts';

/** What the registry gives a service runtime. */
export interface ServiceEnv {
  pools: PoolRegistry;
  clock: Clock;
  logger: Logger;
  metrics: UpstreamMetrics | null;
}

/** How one attempt ended, reported by the proxy. */
export interface Outcome {
  /** null: the upstream answered with `status`. */
  kind: FailureKind | null;
  status: number;
  /** Time to response headers (or to the failure), ms. */
  ms: number;
}

/** Upstream keep-alive: below node's default server keepAliveTimeout (5s) so we never reuse a closing socket. */
const UPSTREAM_KEEPALIVE_MS = 4_000;
const UPSTREAM_CONNECTIONS = 512;
/** Balancers that need in-flight counts or latencies per request. */
const BOOKKEEPING: ReadonlySet<BalancerName> = new Set(['least-connections', 'p2c', 'least-latency']);

/**
 * A service as the proxy sees it: its targets (config, discovery, admin) with their state, how to pick one,
 * health, breakers, retry budget. One object per service name, kept by the PoolRegistry across reloads
 * (`configure()` applies a new config to it), so counters, health and pools of unchanged targets survive.
 */
export class ServiceRuntime {
  readonly name: string;
  targets: Target[] = [];
  spec!: ServiceSpec;
  timeouts!: Timeouts;
  retries: RetrySpec | null = null;
  /** Needs per-request bookkeeping (begin/end); false keeps the proxy on its plain path. */
  managed = false;
  /** Reads the request key for consistent-hash (null for other balancers). */
  keyOf: KeyOf | null = null;
  inflight = 0;
  breaker: Breaker | null = null;
  budget: RetryBudget | null = null;
  panic = false;
  private balancer!: Balancer;
  private balancerName: BalancerName | null = null;
  /** The only eligible target when there is exactly one and nothing to track (the zero-overhead path). */
  private single: Target | null = null;
  private dirty = true;
  /** Monotonic ms of the next ejection end or breaker half-open; eligibility is recomputed then. */
  private deadline = Infinity;
  private readonly byUrl = new Map<string, Target>();
  private readonly sources = new Map<TargetSource, Found[]>();
  /** Admin changes, kept across reloads: added targets and removed URLs. */
  readonly adminAdded = new Map<string, number>();
  readonly adminRemoved = new Set<string>();
  private checker: ActiveChecker | null = null;
  private dns: DnsDiscovery | null = null;
  private file: FileDiscovery | null = null;
  private discoveryKey = '';
  private readonly env: ServiceEnv;

  constructor(name: string, env: ServiceEnv) {
    this.name = name;
    this.env = env;
  }

  /**
   * Applies a config version. Unchanged targets keep their pool and state; changed parts restart. Resolves
   * when a newly started discovery has its first answer (or failed).
   */
  configure(spec: ServiceSpec): Promise<void> {
    const prev = this.spec as ServiceSpec | undefined;
    this.spec = spec;
    this.timeouts = spec.timeouts;
    this.retries = spec.retries;
    if (spec.balancer !== this.balancerName) {
      this.balancer = createBalancer(spec.balancer);
      this.balancerName = spec.balancer;
    }
    this.keyOf = spec.balancer === 'consistent-hash' ? compileKey(spec.hashOn) : null;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a, setReplacer) === JSON.stringify(b, setReplacer);
    if (!spec.breaker) this.breaker = null;
    else if (!this.breaker || !same(prev?.breaker, spec.breaker)) {
      this.breaker = new Breaker(spec.breaker, (s) => {
        this.env.metrics?.circuit.set({ service: this.name }, BREAKER_GAUGE[s]);
        this.env.logger.warn({ service: this.name, state: s }, 'circuit breaker changed state');
      });
    }
    this.env.metrics?.circuit.set({ service: this.name }, BREAKER_GAUGE[this.breaker?.state ?? 'closed']);
    if (spec.retries) {
      if (this.budget) this.budget.configure(spec.retries.budget, spec.retries.minRetries);
      else this.budget = new RetryBudget(spec.retries.budget, spec.retries.minRetries);
    } else this.budget = null;
    this.managed =
      BOOKKEEPING.has(spec.balancer) ||
      spec.passive !== null ||
      spec.breaker !== null ||
      spec.maxConcurrent > 0 ||
      spec.retries !== null ||
      spec.timeouts.total > 0 ||
      (spec.timeouts.firstByte > 0 && spec.timeouts.firstByte < PRECISE_FIRST_BYTE_MS);
    const connectChanged = prev !== undefined && prev.timeouts.connect !== spec.timeouts.connect;
    if (connectChanged) for (const t of this.byUrl.values()) this.dropTarget(t);
    this.sources.set('config', spec.targets.map((t) => ({ url: t.url, weight: t.weight })));
    const first = this.startDiscovery(spec);
    this.rebuild();
    for (const t of this.targets) {
      if (spec.breaker && (!t.breaker || !same(prev?.breaker, spec.breaker))) t.breaker = this.targetBreaker(spec);
      if (!spec.breaker) t.breaker = null;
    }
    if (!same(prev?.active, spec.active)) {
      this.checker?.stop();
      this.checker = null;
      if (!spec.active) for (const t of this.targets) t.healthy = true;
      else {
        this.checker = new ActiveChecker(spec.active, () => this.targets, (t, ok) => this.setHealthy(t, ok));
        this.checker.start();
      }
    }
    this.dirty = true;
    return first;
  }

  /** Stops timers and watchers and releases every pool (the last table using this service is gone). */
  close(): void {
    this.checker?.stop();
    this.dns?.stop();
    this.file?.stop();
    for (const t of this.byUrl.values()) this.dropTarget(t);
    this.targets = [];
  }

  /** Replaces the targets one source contributes (discovery, admin) and rebuilds the set. */
  setSource(source: TargetSource, found: Found[]): void {
    this.sources.set(source, found);
    this.rebuild();
  }

  /** Runs one round of active checks now (admin, tests). */
  async checkNow(): Promise<void> {
    await this.checker?.round();
  }

  /**
   * The next target. `hash` is the request key's hash (consistent-hash), `exclude` a target a retry must
   * avoid when another exists. Undefined when the service has no target with weight > 0.
   */
  pick(hash = 0, exclude: Target | null = null): Target | undefined {
    if (this.dirty) this.refresh(this.env.clock.monotonic());
    const s = this.single;
    if (s !== null) return s;
    return this.balancer.pick(hash, exclude);
  }

  /** The request's hash for consistent-hash (0 otherwise). */
  hashOf(ctx: Ctx): number {
    const k = this.keyOf;
    if (k === null) return 0;
    const v = k(ctx);
    return v === undefined ? 0 : hash32(v);
  }

  /**
   * A target for a managed request: honours ejection deadlines and per-target breakers (a half-open target
   * takes only its trial requests). Undefined when none can take it.
   */
  choose(hash: number, exclude: Target | null, now: number): Target | undefined {
    if (now >= this.deadline) this.dirty = true;
    let ex = exclude;
    for (let i = 0; i < 3; i++) {
      const t = this.pick(hash, ex);
      if (t === undefined) return undefined;
      if (t.breaker === null || t.breaker.allow(now)) return t;
      ex = t;
    }
    return undefined;
  }

  begin(t: Target): void {
    t.inflight++;
    this.inflight++;
    this.balancer.changed?.(t);
  }

  /** Books the end of an attempt: in-flight, latency, passive health and breakers. */
  end(t: Target, o: Outcome, now: number): void {
    t.inflight--;
    this.inflight--;
    this.balancer.changed?.(t);
    // The client left: says nothing about the target.
    if (o.kind === 'cancelled') return;
    t.ewma = peakEwma(t.ewma, t.ewmaAt, o.ms, now);
    t.ewmaAt = now;
    const spec = this.spec;
    const p = spec.passive;
    if (p !== null) {
      if (o.kind !== null || p.statuses.has(o.status)) {
        const ms = recordFailure(p, t, this.targets, now);
        if (ms > 0) {
          this.env.metrics?.ejections.inc({ service: this.name, target: t.label });
          this.env.logger.warn({ service: this.name, target: t.label, ejection_ms: ms }, 'target ejected');
          this.dirty = true;
        }
      } else t.failures = 0;
    }
    const b = spec.breaker;
    if (b !== null) {
      const ok = o.kind === null && !b.statuses.has(o.status);
      this.breaker?.record(ok, now);
      t.breaker?.record(ok, now);
    }
  }

  /** The service breaker's refusal, or null when the request may go. */
  admit(now: number): { retryAfter: number; reason: string } | null {
    const b = this.breaker;
    if (b !== null && !b.allow(now)) return { retryAfter: b.retryAfter(now), reason: `circuit breaker of service ${this.name} is open` };
    const max = this.spec.maxConcurrent;
    if (max > 0 && this.inflight >= max) return { retryAfter: 1, reason: `service ${this.name} is at max_concurrent_requests (${max})` };
    return null;
  }

  /** Monotonic ms from the injected clock. */
  now(): number {
    return this.env.clock.monotonic();
  }

  /** Counts a retry in `portico_retries_total`. */
  countRetry(): void {
    this.env.metrics?.retries.inc({ service: this.name });
  }

  /** A state snapshot for admin GET /upstreams. */
  snapshot(): Record<string, unknown> {
    const now = this.env.clock.monotonic();
    return {
      name: this.name,
      balancer: this.spec.balancer,
      in_flight: this.inflight,
      panic: this.panic,
      circuit_breaker: this.breaker?.state ?? null,
      targets: this.targets.map((t) => ({
        url: t.label,
        weight: t.weight,
        source: t.source,
        healthy: t.healthy,
        ejected: t.ejectedUntil > now,
        ejected_for_ms: t.ejectedUntil > now ? Math.round(t.ejectedUntil - now) : 0,
        ejections: t.ejections,
        in_flight: t.inflight,
        ewma_ms: Math.round(t.ewma * 1000) / 1000,
        circuit_breaker: t.breaker?.state ?? null,
      })),
    };
  }

  private targetBreaker(spec: ServiceSpec): Breaker {
    return new Breaker(spec.breaker!, () => {
      this.dirty = true;
    });
  }

  private setHealthy(t: Target, healthy: boolean): void {
    t.healthy = healthy;
    if (healthy) {
      t.ejectedUntil = 0;
      t.failures = 0;
    }
    this.env.logger.warn({ service: this.name, target: t.label, healthy }, 'active health check changed target state');
    this.dirty = true;
  }

  /** Merges the sources into the target list, reusing Target objects by URL. */
  private rebuild(): void {
    const want = new Map<string, { weight: number; source: TargetSource }>();
    for (const source of ['config', 'dns', 'file'] as const) {
      for (const f of this.sources.get(source) ?? []) want.set(f.url, { weight: f.weight, source });
    }
    for (const [url, weight] of this.adminAdded) want.set(url, { weight, source: 'admin' });
    for (const url of this.adminRemoved) want.delete(url);
    for (const [url, t] of this.byUrl) if (!want.has(url)) this.dropTarget(t);
    const dnsName = this.spec.discovery?.dns ?? null;
    const host = dnsName === null ? null : serviceDomain(dnsName);
    const list: Target[] = [];
    for (const [url, w] of want) {
      let t = this.byUrl.get(url);
      if (t === undefined) {
        const pool = this.env.pools.acquire(new URL(url).origin, {
          connectTimeout: this.timeouts.connect,
          keepAliveTimeout: UPSTREAM_KEEPALIVE_MS,
          connections: UPSTREAM_CONNECTIONS,
        });
        // Discovered addresses are reached by IP; Host names the service as DNS did.
        const hostHeader = w.source === 'dns' && host !== null ? hostWithPort(host, url) : undefined;
        t = new Target(url, w.weight, pool, w.source, hostHeader);
        if (this.spec.breaker) t.breaker = this.targetBreaker(this.spec);
        this.byUrl.set(url, t);
      }
      t.weight = w.weight;
      t.source = w.source;
      list.push(t);
    }
    this.targets = list;
    this.dirty = true;
  }

  private dropTarget(t: Target): void {
    this.byUrl.delete(t.label);
    this.env.pools.release(t.pool);
    this.env.metrics?.health.remove({ service: this.name, target: t.label });
  }

  /** Recomputes the eligible set (rare: config, discovery, health or breaker changes, deadlines). */
  private refresh(now: number): void {
    this.dirty = false;
    let deadline = Infinity;
    const ok: Target[] = [];
    const weighted: Target[] = [];
    for (const t of this.targets) {
      if (t.weight <= 0) continue;
      weighted.push(t);
      const avail = t.available(now);
      if (avail) ok.push(t);
      if (t.ejectedUntil > now) deadline = Math.min(deadline, t.ejectedUntil);
      const b = t.breaker;
      if (b !== null && b.state === 'open' && b.openUntil > now) deadline = Math.min(deadline, b.openUntil);
      this.env.metrics?.health.set({ service: this.name, target: t.label }, avail ? 1 : 0);
    }
    this.deadline = deadline;
    const panic = ok.length === 0 && weighted.length > 0;
    if (panic !== this.panic) {
      if (panic) this.env.logger.warn({ service: this.name }, 'every target is unhealthy: panic mode, sending to all of them');
      else this.env.logger.info({ service: this.name }, 'healthy targets again: panic mode over');
      this.panic = panic;
    }
    const eligible = panic ? weighted : ok;
    this.balancer.update(eligible);
    this.single = eligible.length === 1 && !this.managed ? eligible[0]! : null;
  }

  private startDiscovery(spec: ServiceSpec): Promise<void> {
    const key = JSON.stringify(spec.discovery);
    if (key === this.discoveryKey) return Promise.resolve();
    this.discoveryKey = key;
    this.dns?.stop();
    this.file?.stop();
    this.dns = this.file = null;
    const d = spec.discovery;
    const onError = (what: string) => (err: unknown) =>
      this.env.logger.warn({ service: this.name, err: err instanceof Error ? err.message : String(err) }, `${what} discovery failed; keeping the last targets`);
    const started: Promise<void>[] = [];
    if (d?.dns) {
      this.dns = new DnsDiscovery(d, (f) => this.setSource('dns', f), onError('dns'));
      started.push(this.dns.start());
    } else this.sources.delete('dns');
    if (d?.file) {
      this.file = new FileDiscovery(d.file, (f) => this.setSource('file', f), onError('file'));
      started.push(this.file.start());
    } else this.sources.delete('file');
    return Promise.all(started).then(() => undefined);
  }
}

/**
 * The name a discovered target is asked for: the DNS name, minus the `_service._proto.` labels of an SRV
 * name (`_http._tcp.users.internal` → `users.internal`). As with a CNAME, HTTP keeps the name the client
 * meant, not the record's target; and no server's virtual host is called `_http._tcp…`.
 */
export function serviceDomain(dnsName: string): string {
  return dnsName.replace(/^(_[^.]+\.){1,2}/, '');
}

function hostWithPort(host: string, url: string): string {
  const u = new URL(url);
  const dflt = u.protocol === 'https:' ? '443' : '80';
  return u.port === '' || u.port === dflt ? host : `${host}:${u.port}`;
}

function setReplacer(_k: string, v: unknown): unknown {
  return v instanceof Set ? [...(v as Set<unknown>)] : v;
}
