import type { Target } from '../target.ts';
import { randomInt, weighted, type Balancer } from './balancer.ts';

/** Load of a target for least-connections and p2c: in-flight per unit of weight. */
export function load(t: Target): number {
  return (t.inflight + 1) / t.weight;
}

/**
 * Power of two choices: two distinct random targets, the less loaded (in-flight / weight) wins. O(1), and
 * nearly as good as scanning all targets without herding on the least loaded one.
 */
export class PowerOfTwo implements Balancer {
  private list: Target[] = [];
  private readonly cost: (t: Target) => number;

  constructor(cost: (t: Target) => number = load) {
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
    return this.cost(b) < this.cost(a) ? b : a;
  }
}
