import { connect } from 'node:net';
import type { ActiveCheckSpec } from './spec.ts';
import type { Target } from './target.ts';

/** Probes one target: an HTTP GET whose status must be listed, or a TCP connect. Resolves true on a pass. */
export async function probe(spec: ActiveCheckSpec, t: Target): Promise<boolean> {
  if (spec.type === 'tcp') return tcpProbe(t.origin, spec.timeoutMs);
  try {
    const res = await t.pool.request({
      method: 'GET',
      path: t.basePath + spec.path,
      headers: { host: t.hostHeader, 'user-agent': 'portico-health-check' },
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    await res.body.dump();
    return spec.statuses.has(res.statusCode);
  } catch {
    return false;
  }
}

function tcpProbe(origin: string, timeoutMs: number): Promise<boolean> {
  const u = new URL(origin);
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.once('connect', () => done(true));
    sock.once('timeout', () => done(false));
    sock.once('error', () => done(false));
  });
}

/**
 * Probes every target of a service each `interval` (one unref'd timer per service, one probe in flight per
 * target) and moves targets between healthy and unhealthy after `healthy`/`unhealthy` results in a row.
 */
export class ActiveChecker {
  readonly spec: ActiveCheckSpec;
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Target>();
  private readonly list: () => readonly Target[];
  private readonly changed: (t: Target, healthy: boolean) => void;

  constructor(spec: ActiveCheckSpec, list: () => readonly Target[], changed: (t: Target, healthy: boolean) => void) {
    this.spec = spec;
    this.list = list;
    this.changed = changed;
  }

  start(): void {
    this.timer = setInterval(() => void this.round(), this.spec.intervalMs);
    this.timer.unref();
    void this.round();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One probe of every target not already being probed; resolves when they finish. */
  async round(): Promise<void> {
    await Promise.all(this.list().map((t) => this.check(t)));
  }

  private async check(t: Target): Promise<void> {
    if (this.running.has(t)) return;
    this.running.add(t);
    try {
      const ok = await probe(this.spec, t);
      if (this.timer === null) return;
      if (ok) {
        t.checkFail = 0;
        if (++t.checkOk >= this.spec.healthy && !t.healthy) this.changed(t, true);
      } else {
        t.checkOk = 0;
        if (++t.checkFail >= this.spec.unhealthy && t.healthy) this.changed(t, false);
      }
    } finally {
      this.running.delete(t);
    }
  }
}
