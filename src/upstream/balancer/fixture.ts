import type { Pool } from 'undici';
import { Target } from '../target.ts';

/** Targets for balancer unit tests (no pool is ever used). */
export function targets(weights: readonly number[]): Target[] {
  return weights.map((w, i) => new Target(`http://10.0.0.${i + 1}:80`, w, null as unknown as Pool, 'config'));
}

/** How many of `n` picks went to each target, by label. */
export function tally(pick: () => Target | undefined, n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = pick();
    if (t) out.set(t.label, (out.get(t.label) ?? 0) + 1);
  }
  return out;
}
