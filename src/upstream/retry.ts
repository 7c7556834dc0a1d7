import type { RetrySpec } from './spec.ts';
import { RollingCounts } from './window.ts';

/** How an attempt failed, for retry and health decisions. */
export type FailureKind = 'connect-failure' | 'reset' | 'timeout' | 'status' | 'other' | 'cancelled';

/** Whether the policy retries this failure, given the method and whether the request reached the upstream. */
export function retryable(p: RetrySpec, kind: FailureKind, status: number, method: string, sent: boolean): boolean {
  switch (kind) {
    case 'connect-failure':
      // Never sent: safe for any method.
      return p.onConnect;
    case 'reset':
      return p.onReset && (!sent || p.methods.has(method));
    case 'timeout':
      return p.onTimeout && p.methods.has(method);
    case 'status':
      return p.statuses.has(status) && p.methods.has(method);
    default:
      return false;
  }
}

/** Exponential backoff with full jitter: random in [0, min(max, base × 2^(retry-1))]. */
export function backoff(p: RetrySpec, retry: number, random = Math.random): number {
  const cap = Math.min(p.maxBackoffMs, p.backoffMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/** Window the retry budget is measured over. */
const BUDGET_WINDOW_MS = 10_000;

/**
 * A retry budget (linkerd's): over the last 10 s, retries may add at most `ratio` of the requests, plus
 * `minRetries` so a quiet service can still retry. Keeps retries from multiplying an outage.
 */
export class RetryBudget {
  private readonly counts = new RollingCounts(BUDGET_WINDOW_MS);
  private ratio: number;
  private min: number;

  constructor(ratio: number, min: number) {
    this.ratio = ratio;
    this.min = min;
  }

  configure(ratio: number, min: number): void {
    this.ratio = ratio;
    this.min = min;
  }

  /** A first attempt (counted as a success in the window). */
  request(now: number): void {
    this.counts.add(true, now);
  }

  /** Takes a retry from the budget; false when it is spent. */
  tryRetry(now: number): boolean {
    const retries = this.counts.failures(now);
    const requests = this.counts.total(now) - retries;
    if (retries >= this.min + this.ratio * requests) return false;
    this.counts.add(false, now);
    return true;
  }
}
