import type { Target } from '../target.ts';
import { load, randomInt, weighted, type Balancer } from './balancer.ts';

/**
 * Power of two choices: two distinct random targets, the less loaded ((in-flight + 1) / weight) wins; an
 * exact tie (equal targets, both idle) is drawn at random, so light traffic spreads instead of piling on the
 * first of the pair. O(1), and nearly as good as scanning all targets without herding on the least loaded one.
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
    const ca = this.cost(a);
    const cb = this.cost(b);
    if (ca !== cb) return cb < ca ? b : a;
    return Math.random() < 0.5 ? a : b;
  }
}
