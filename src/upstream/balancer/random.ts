import type { Target } from '../target.ts';
import { randomInt, weighted, type Balancer } from './balancer.ts';

/** Weighted random: a binary search over cumulative weights, O(log n). */
export class RandomBalancer implements Balancer {
  private list: Target[] = [];
  private cumulative: number[] = [];
  private total = 0;

  update(targets: readonly Target[]): void {
    this.list = weighted(targets);
    let sum = 0;
    this.cumulative = this.list.map((t) => (sum += t.weight));
    this.total = sum;
  }

  pick(_hash: number, exclude: Target | null): Target | undefined {
    const n = this.list.length;
    if (n === 0) return undefined;
    const t = this.at(randomInt(this.total));
    if (t !== exclude || n === 1) return t;
    // Retry: another draw, then the neighbour, so the excluded target is skipped without a loop.
    const again = this.at(randomInt(this.total));
    return again !== exclude ? again : this.list[(this.list.indexOf(t) + 1) % n];
  }

  private at(r: number): Target {
    return pickCumulative(this.list, this.cumulative, r);
  }
}

/** The item whose cumulative range holds r (0 ≤ r < total). */
export function pickCumulative<T>(items: readonly T[], cumulative: readonly number[], r: number): T {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]!;
}
