import { performance } from 'node:perf_hooks';
/**
 * Skips a failing store for a while instead of paying its timeout on every request: after `failures`
 * consecutive failures the store is not called for `cooldownMs`; then one call probes it (the others keep
 * skipping while the probe is out); success closes the circuit, failure starts another cool-down.
 */
export class Cooldown {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(opts: { failures?: number; cooldownMs?: number; now?: () => number } = {}) {
    this.threshold = opts.failures ?? 3;
    this.cooldownMs = opts.cooldownMs ?? 2_000;
    this.now = opts.now ?? (() => performance.now());
  }

  /** True while the store is being skipped. */
  get open(): boolean {
    return this.failures >= this.threshold;
  }

  /** May the store be called now? */
  tryAcquire(): boolean {
    if (this.failures < this.threshold) return true;
    if (this.probing || this.now() < this.openUntil) return false;
    this.probing = true;
    return true;
  }

  /** A call succeeded; true when this ends a failing spell. */
  success(): boolean {
    const was = this.failures > 0;
    this.failures = 0;
    this.probing = false;
    return was;
  }

  /** A call failed; true when this failure starts (or restarts) a cool-down. */
  failure(): boolean {
    this.probing = false;
    this.failures++;
    if (this.failures < this.threshold) return false;
    this.openUntil = this.now() + this.cooldownMs;
    return true;
  }
}

/** Lets a warning through at most once per interval, counting what it held back. */
export class WarnThrottle {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private last = -Infinity;
  private held = 0;

  constructor(intervalMs = 10_000, now: () => number = () => performance.now()) {
    this.intervalMs = intervalMs;
    this.now = now;
  }

  /** -1 to stay quiet, else how many warnings were held back since the last one let through. */
  take(): number {
    const t = this.now();
    if (t - this.last < this.intervalMs) {
      this.held++;
      return -1;
    }
    this.last = t;
    const h = this.held;
    this.held = 0;
    return h;
  }
}
