import type { PassiveSpec } from './spec.ts';
import type { Target } from './target.ts';

/**
 * Outlier ejection for one failed request on `t`. Ejects after `consecutiveFailures` in a row, for
 * `ejection × 2^(earlier ejections)` capped at `max_ejection`, unless that would eject more than
 * `max_ejected_percent` of the targets. Returns the ejection length in ms, or 0 if not ejected.
 * The backoff resets when a target stayed in for longer than `max_ejection` since its last ejection.
 */
export function recordFailure(p: PassiveSpec, t: Target, all: readonly Target[], now: number): number {
  if (t.ejectedUntil > now) return 0;
  if (++t.failures < p.consecutiveFailures) return 0;
  let ejected = 0;
  for (const o of all) if (o.ejectedUntil > now) ejected++;
  if (ejected + 1 > Math.floor(p.maxEjectedFraction * all.length + 1e-9)) return 0;
  if (t.ejectedUntil > 0 && now - t.ejectedUntil > p.maxEjectionMs) t.ejections = 0;
  const ms = Math.min(p.maxEjectionMs, p.ejectionMs * 2 ** t.ejections);
  t.ejections++;
  t.ejectedUntil = now + ms;
  t.failures = 0;
  return ms;
}
