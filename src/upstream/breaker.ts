import { RollingCounts } from './window.ts';

export interface BreakerSettings {
  /** Failure fraction (0..1) over the window that opens the breaker. */
  failureRate: number;
  /** Requests the window must hold before the rate counts. */
  minRequests: number;
  windowMs: number;
  openForMs: number;
  /** Trial requests let through while half-open; that many successes close it. */
  halfOpenRequests: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The gauge value of each state for `portico_circuit_state`. */
export const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/**
 * A circuit breaker: closed → open when the failure rate over a rolling window passes the threshold (with at
 * least `minRequests`); open answers at once for `openFor`; then half-open lets `halfOpenRequests` trials
 * through: all succeed → closed, any fails → open again. Time is passed in (monotonic ms).
 */
export class Breaker {
  state: BreakerState = 'closed';
  /** Monotonic ms when an open breaker turns half-open. */
  openUntil = 0;
  private readonly s: BreakerSettings;
  private readonly counts: RollingCounts;
  private trials = 0;
  private trialOk = 0;
  private readonly onChange: (state: BreakerState) => void;

  constructor(s: BreakerSettings, onChange: (state: BreakerState) => void = () => undefined) {
    this.s = s;
    this.counts = new RollingCounts(s.windowMs);
    this.onChange = onChange;
  }

  /** Whether a request may go now; a half-open breaker counts the trial it lets through. */
  allow(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now < this.openUntil) return false;
      this.set('half-open');
      this.trials = 0;
      this.trialOk = 0;
    }
    if (this.trials >= this.s.halfOpenRequests) return false;
    this.trials++;
    return true;
  }

  /** Seconds until an open breaker lets a trial through (for Retry-After), at least 1. */
  retryAfter(now: number): number {
    return Math.max(1, Math.ceil((this.openUntil - now) / 1000));
  }

  record(success: boolean, now: number): void {
    if (this.state === 'half-open') {
      if (!success) return this.trip(now);
      if (++this.trialOk >= this.s.halfOpenRequests) {
        this.counts.reset(now);
        this.set('closed');
      }
      return;
    }
    if (this.state === 'open') return;
    this.counts.add(success, now);
    if (success) return;
    const total = this.counts.total(now);
    if (total >= this.s.minRequests && this.counts.failures(now) / total >= this.s.failureRate) this.trip(now);
  }

  private trip(now: number): void {
    this.openUntil = now + this.s.openForMs;
    this.set('open');
  }

  private set(state: BreakerState): void {
    if (this.state === state) return;
    this.state = state;
    this.onChange(state);
  }
}
