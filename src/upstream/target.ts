import type { Pool } from 'undici';
import type { Breaker } from './breaker.ts';

/** Where a target came from; admin and discovery changes keep config targets apart. */
export type TargetSource = 'config' | 'dns' | 'file' | 'admin';

/**
 * One upstream instance of a service with the state that outlives a config reload: its pool, in-flight count,
 * latency EWMA, health and breaker. Kept by the service runtime keyed by URL, so an unchanged target keeps
 * all of it when the config or the discovered set changes.
 */
export class Target {
  /** `http://host:port` */
  readonly origin: string;
  /** Path prefix from the service or target URL ('' for none), without a trailing slash. */
  readonly basePath: string;
  /** host[:port] as sent in Host when preserve_host is off. */
  hostHeader: string;
  weight: number;
  readonly pool: Pool;
  /** A label for logs and metrics: the target URL. */
  readonly label: string;
  source: TargetSource;

  /** Requests on this target now (every table's). */
  inflight = 0;
  /** Peak-EWMA of time to response headers, ms (0 until the first answer). */
  ewma = 0;
  /** Monotonic ms of the last EWMA update. */
  ewmaAt = 0;
  /** Active health: false after `unhealthy` failed checks in a row, true again after `healthy` passes. */
  healthy = true;
  checkOk = 0;
  checkFail = 0;
  /** Passive health: failures in a row, monotonic ms until which the target is ejected (0: not ejected). */
  failures = 0;
  ejectedUntil = 0;
  /** Ejections so far (the next lasts ejection × 2^ejections, capped at max_ejection). */
  ejections = 0;
  breaker: Breaker | null = null;
  /** Position in a least-connections heap (-1: not in one) and the pick sequence used to rotate ties. */
  heapIndex = -1;
  lastPick = 0;

  constructor(url: string, weight: number, pool: Pool, source: TargetSource, hostHeader?: string) {
    const { origin, basePath, host } = splitUrl(url);
    this.origin = origin;
    this.basePath = basePath;
    this.hostHeader = hostHeader ?? host;
    this.weight = weight;
    this.pool = pool;
    this.label = url;
    this.source = source;
  }

  /** Not ejected, healthy and its breaker not open (the service re-checks at its next deadline). */
  available(now: number): boolean {
    const b = this.breaker;
    return this.healthy && this.ejectedUntil <= now && (b === null || b.state !== 'open' || b.openUntil <= now);
  }
}

/** Split a service/target URL into origin and base path (trailing slash removed). */
export function splitUrl(raw: string): { origin: string; basePath: string; host: string } {
  const u = new URL(raw);
  let basePath = u.pathname;
  while (basePath.endsWith('/')) basePath = basePath.slice(0, -1);
  return { origin: u.origin, basePath, host: u.host };
}
