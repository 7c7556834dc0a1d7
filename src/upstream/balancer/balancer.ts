import type { Target } from '../target.ts';

/**
 * Picks a target among the eligible ones. `update()` runs when the eligible set changes (config, discovery,
 * health) — never per request; `pick()` is O(1) or O(log n). `exclude` is a target a retry must avoid when
 * another one exists; `hash` is the request key's hash (consistent-hash only).
 */
export interface Balancer {
  update(targets: readonly Target[]): void;
  pick(hash: number, exclude: Target | null): Target | undefined;
  /** A target's in-flight count changed (least-connections keeps its heap in order). */
  changed?(t: Target): void;
}

/** Uniform random integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** Targets that can take traffic (weight > 0). */
export function weighted(targets: readonly Target[]): Target[] {
  return targets.filter((t) => t.weight > 0);
}

/** Load of a target for least-connections and p2c: (in-flight + 1) per unit of weight, so weights count when idle. */
export function load(t: Target): number {
  return (t.inflight + 1) / t.weight;
}
