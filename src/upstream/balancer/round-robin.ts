import type { Target } from '../target.ts';
import { weighted, type Balancer } from './balancer.ts';

/** Each target in turn, weights ignored (weight 0 still removes a target). O(1). */
export class RoundRobin implements Balancer {
  private list: Target[] = [];
  private next = 0;

  update(targets: readonly Target[]): void {
    this.list = weighted(targets);
    if (this.next >= this.list.length) this.next = 0;
  }

  pick(_hash: number, exclude: Target | null): Target | undefined {
    const n = this.list.length;
    if (n === 0) return undefined;
    let t = this.list[this.next]!;
    this.next = (this.next + 1) % n;
    if (t === exclude && n > 1) {
      t = this.list[this.next]!;
      this.next = (this.next + 1) % n;
    }
    return t;
  }
}
