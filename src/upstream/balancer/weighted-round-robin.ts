import type { Target } from '../target.ts';
import { weighted, type Balancer } from './balancer.ts';

/** Longest precomputed schedule; past it (huge co-prime weights) picks run nginx's O(n) loop directly. */
const MAX_SCHEDULE = 4096;

/**
 * Smooth weighted round robin (nginx): weights 5,1,1 give a,a,b,a,c,a,a — spread out, never bursts. The
 * sequence repeats every sum(weights)/gcd picks, so it is computed once per target change and each pick is an
 * array step: O(1).
 */
export class WeightedRoundRobin implements Balancer {
  private list: Target[] = [];
  private schedule: Target[] | null = null;
  private current: number[] = [];
  private total = 0;
  private next = 0;

  update(targets: readonly Target[]): void {
    this.list = weighted(targets);
    this.current = this.list.map(() => 0);
    const g = this.list.reduce((acc, t) => gcd(acc, t.weight), 0);
    this.total = this.list.reduce((s, t) => s + t.weight, 0);
    const period = g === 0 ? 0 : this.total / g;
    this.schedule = null;
    if (period > 0 && period <= MAX_SCHEDULE) {
      const s: Target[] = [];
      for (let i = 0; i < period; i++) s.push(this.step());
      this.schedule = s;
    }
    this.next = 0;
  }

  pick(_hash: number, exclude: Target | null): Target | undefined {
    if (this.list.length === 0) return undefined;
    let t = this.nextOne();
    // A retry skips the excluded target; with two or more targets some other comes within a period.
    for (let i = 0; t === exclude && this.list.length > 1 && i < this.total; i++) t = this.nextOne();
    return t;
  }

  private nextOne(): Target {
    const s = this.schedule;
    if (s === null) return this.step();
    const t = s[this.next]!;
    this.next = this.next + 1 === s.length ? 0 : this.next + 1;
    return t;
  }

  /** nginx's step: every target gains its weight, the largest wins and pays the total. */
  private step(): Target {
    let best = 0;
    let bestW = -Infinity;
    for (let i = 0; i < this.list.length; i++) {
      const w = (this.current[i] = this.current[i]! + this.list[i]!.weight);
      if (w > bestW) {
        bestW = w;
        best = i;
      }
    }
    this.current[best] = this.current[best]! - this.total;
    return this.list[best]!;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
