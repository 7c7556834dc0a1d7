import type { Target } from '../target.ts';
import { randomInt, weighted, type Balancer } from './balancer.ts';

/** Load of a target for p2c: requests in flight per unit of weight (0 when idle). */
export function pressure(t: Target): number {
  return t.inflight / t.weight;
}

/**
 * Power of two choices: two distinct random targets, the less loaded (in-flight / weight) wins; a tie (idle
 * targets) is drawn in proportion to their weights, so light traffic spreads by weight rather than piling on
 * one target. O(1), and nearly as good as scanning all targets without herding on the least loaded one.
 */
export class PowerOfTwo implements Balancer {
  private list: Target[] = [];
  private readonly cost: (t: Target) => number;

  constructor(cost: (t: Target) => number = pressure) {
    this.cost = cost;
  }

  update(targets: readonly Target[]): void {
    this.list = weighted(targets);
  }

  pick(_hash: number, exclude: Target | null): Target | undefined {
    const list = this.list;
    const n = list.length;
    if (n <= 1) return list[0];
    if (n === 2) return this.better(list[0]!, list[1]!, exclude);
    const i = randomInt(n);
    let j = randomInt(n - 1);
    if (j >= i) j++;
    return this.better(list[i]!, list[j]!, exclude);
  }

  private better(a: Target, b: Target, exclude: Target | null): Target {
    if (a === exclude) return b;
    if (b === exclude) return a;
    const ca = this.cost(a);
    const cb = this.cost(b);
    if (ca !== cb) return cb < ca ? b : a;
    return Math.random() * (a.weight + b.weight) < a.weight ? a : b;
  }
}
