import type { Static } from '../../sdk/index.ts';
import { parseDuration } from '../../core/duration.ts';
import { FIXED, SLIDING, TOKEN, GCRA, type AlgoCode, type LimitSpec } from '../../store/algorithms.ts';
import type { schema } from './schema.ts';

export type RateLimitConfig = Static<typeof schema>;

const CODES: Record<RateLimitConfig['algorithm'], AlgoCode> = {
  'fixed-window': FIXED,
  'sliding-window': SLIDING,
  'token-bucket': TOKEN,
  'leaky-bucket': GCRA,
};
const LETTER: Record<AlgoCode, string> = { 1: 'f', 2: 's', 3: 't', 4: 'g' };

/**
 * Resolves the configured limits into LimitSpecs (throws on what the schema cannot express). The burst is
 * the limit's own, else the plugin's; for token-bucket it is the capacity (default: limit), for leaky-bucket
 * the queue (default 0): τ = burst × (window/limit), and with `delay` the queue is also bounded by max_delay.
 */
export function buildSpecs(config: RateLimitConfig): LimitSpec[] {
  const algo = CODES[config.algorithm];
  if (config.delay && algo !== GCRA) throw new Error('delay applies to algorithm: leaky-bucket only');
  const maxDelay = parseDuration(config.max_delay);
  return config.limits.map((l, i) => {
    const W = parseDuration(l.window);
    if (W < 1) throw new Error(`limits[${i}].window must be at least 1ms`);
    const L = l.limit;
    const burst = l.burst ?? config.burst;
    switch (algo) {
      case FIXED:
      case SLIDING:
        return { algo, limit: L, windowMs: W, param: 0, headerLimit: L, suffix: `${LETTER[algo]}${W}:${L}` };
      case TOKEN: {
        const C = burst ?? L;
        if (C < 1) throw new Error(`limits[${i}]: token-bucket burst (capacity) must be at least 1`);
        return { algo, limit: L, windowMs: W, param: C, headerLimit: C, suffix: `t${W}:${L}:${C}` };
      }
      case GCRA: {
        const T = W / L;
        let tau = (burst ?? 0) * T;
        if (config.delay) tau = burst === undefined ? maxDelay : Math.min(tau, maxDelay);
        const headerLimit = Math.floor(tau / T + 1e-9) + 1;
        return { algo, limit: L, windowMs: W, param: tau, headerLimit, suffix: `g${W}:${L}` };
      }
    }
  });
}

/** Names a plugin instance inside store keys: its scope, so a route's limits never share a global's counters. */
export function instanceId(scope: string, scopeName: string | undefined): string {
  return scope === 'global' ? 'g' : `${scope[0]}:${scopeName ?? ''}`;
}
