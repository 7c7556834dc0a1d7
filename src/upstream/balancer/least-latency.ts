import type { Target } from '../target.ts';
import { PowerOfTwo } from './p2c.ts';

/**
 * Cost of a target for least-latency: peak EWMA of its response time × (in-flight + 1) / weight, as linkerd
 * does. A target with no sample yet costs 0, so new targets are tried at once.
 */
export function latencyCost(t: Target): number {
  return (t.ewma * (t.inflight + 1)) / t.weight;
}

/** Least latency: power of two choices on the peak-EWMA cost. O(1). */
export class LeastLatency extends PowerOfTwo {
  constructor() {
    super(latencyCost);
  }
}
