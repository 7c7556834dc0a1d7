import type { ServiceConfig, RouteConfig } from '../config/schema.ts';
import type { BreakerSettings } from './breaker.ts';
import type { BalancerName } from './balancer/index.ts';
import { parseDuration } from '../core/duration.ts';
import { parseSize } from '../core/size.ts';

/**
 * undici times headers and bodies on a coarse clock (up to about a second late): a `first_byte` below this
 * gets a timer of its own, so the service takes the managed path (attempts.ts) where that timer lives.
 */
export const PRECISE_FIRST_BYTE_MS = 5_000;

/** Likewise, an `idle` below this is timed by the call itself (proxy/call.ts), on either path. */
export const PRECISE_IDLE_MS = 5_000;

/** The idle timeout a call keeps itself (0: left to undici). */
export function preciseIdle(idleMs: number): number {
  return idleMs > 0 && idleMs < PRECISE_IDLE_MS ? idleMs : 0;
}

/** Timeouts of one upstream exchange, ms; 0 means none. */
export interface Timeouts {
  connect: number;
  firstByte: number;
  idle: number;
  total: number;
  /** Longest wait for a free pooled connection to the target (pool full) before a 503. */
  queue: number;
}

export interface ActiveCheckSpec {
  type: 'http' | 'tcp';
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthy: number;
  unhealthy: number;
  statuses: ReadonlySet<number>;
}

export interface PassiveSpec {
  consecutiveFailures: number;
  ejectionMs: number;
  maxEjectionMs: number;
  /** 0..1 */
  maxEjectedFraction: number;
  statuses: ReadonlySet<number>;
}

export interface RetrySpec {
  attempts: number;
  onConnect: boolean;
  onReset: boolean;
  onTimeout: boolean;
  statuses: ReadonlySet<number>;
  backoffMs: number;
  maxBackoffMs: number;
  methods: ReadonlySet<string>;
  budget: number;
  minRetries: number;
  bufferBody: number;
}

export interface DiscoverySpec {
  dns: string | null;
  type: 'A' | 'AAAA' | 'SRV';
  port: number;
  scheme: 'http' | 'https';
  refreshMs: number;
  nameservers: readonly string[] | null;
  file: string | null;
}

/** A service's settings, parsed once per config version. */
export interface ServiceSpec {
  name: string;
  targets: readonly { url: string; weight: number }[];
  balancer: BalancerName;
  hashOn: string;
  timeouts: Timeouts;
  active: ActiveCheckSpec | null;
  passive: PassiveSpec | null;
  breaker: (BreakerSettings & { statuses: ReadonlySet<number> }) | null;
  maxConcurrent: number;
  retries: RetrySpec | null;
  discovery: DiscoverySpec | null;
}

/** "50%" or 50 → 0.5 */
export function parsePercent(v: string | number): number {
  const n = typeof v === 'number' ? v : Number.parseFloat(v);
  return Math.min(1, Math.max(0, n / 100));
}

const ALL_5XX = Array.from({ length: 100 }, (_, i) => 500 + i);

export function serviceSpec(s: ServiceConfig, baseDir: string, resolvePath: (dir: string, f: string) => string): ServiceSpec {
  const t = s.timeouts;
  const read = parseDuration(t.read);
  const h = s.health;
  const cb = s.circuit_breaker;
  const r = s.retries;
  const d = s.discovery;
  return {
    name: s.name,
    targets: s.url !== undefined ? [{ url: s.url, weight: 1 }] : (s.targets ?? []),
    balancer: s.balancer,
    hashOn: s.hash_on,
    timeouts: {
      connect: parseDuration(t.connect),
      firstByte: t.first_byte === undefined ? read : parseDuration(t.first_byte),
      idle: t.idle === undefined ? read : parseDuration(t.idle),
      total: t.total === undefined ? 0 : parseDuration(t.total),
      queue: parseDuration(t.queue),
    },
    active: h?.active
      ? {
          type: h.active.type,
          path: h.active.path,
          intervalMs: Math.max(10, parseDuration(h.active.interval)),
          timeoutMs: Math.max(1, parseDuration(h.active.timeout)),
          healthy: h.active.healthy,
          unhealthy: h.active.unhealthy,
          statuses: new Set(h.active.statuses),
        }
      : null,
    passive: h?.passive
      ? {
          consecutiveFailures: h.passive.consecutive_failures,
          ejectionMs: parseDuration(h.passive.ejection),
          maxEjectionMs: parseDuration(h.passive.max_ejection),
          maxEjectedFraction: parsePercent(h.passive.max_ejected_percent),
          statuses: new Set(h.passive.statuses),
        }
      : null,
    breaker: cb
      ? {
          failureRate: parsePercent(cb.failure_rate),
          minRequests: cb.min_requests,
          windowMs: Math.max(10, parseDuration(cb.window)),
          openForMs: parseDuration(cb.open_for),
          halfOpenRequests: cb.half_open_requests,
          statuses: new Set(cb.statuses),
        }
      : null,
    maxConcurrent: s.max_concurrent_requests ?? 0,
    retries:
      r && r.attempts > 0
        ? {
            attempts: r.attempts,
            onConnect: r.on.includes('connect-failure'),
            onReset: r.on.includes('reset'),
            onTimeout: r.on.includes('timeout'),
            statuses: new Set(r.on.flatMap((o) => (o === '5xx' ? ALL_5XX : typeof o === 'number' ? [o] : []))),
            backoffMs: parseDuration(r.backoff),
            maxBackoffMs: parseDuration(r.max_backoff),
            methods: new Set(r.methods),
            budget: parsePercent(r.budget),
            minRetries: r.min_retries,
            bufferBody: parseSize(r.buffer_body),
          }
        : null,
    discovery: d
      ? {
          dns: d.dns ?? null,
          type: d.type,
          port: d.port,
          scheme: d.scheme,
          refreshMs: Math.max(100, parseDuration(d.refresh)),
          nameservers: d.nameservers ?? null,
          file: d.file === undefined ? null : resolvePath(baseDir, d.file),
        }
      : null,
  };
}

/** Route-level timeout overrides (undefined keys keep the service's). */
export interface RouteTimeouts {
  connect?: number;
  firstByte?: number;
  idle?: number;
  total?: number;
  queue?: number;
}

export function routeTimeouts(r: RouteConfig): RouteTimeouts | null {
  const t = r.timeouts;
  if (!t) return null;
  const out: RouteTimeouts = {};
  const read = t.read === undefined ? undefined : parseDuration(t.read);
  if (t.connect !== undefined) out.connect = parseDuration(t.connect);
  const fb = t.first_byte === undefined ? read : parseDuration(t.first_byte);
  const idle = t.idle === undefined ? read : parseDuration(t.idle);
  if (fb !== undefined) out.firstByte = fb;
  if (idle !== undefined) out.idle = idle;
  if (t.total !== undefined) out.total = parseDuration(t.total);
  if (t.queue !== undefined) out.queue = parseDuration(t.queue);
  return out;
}
