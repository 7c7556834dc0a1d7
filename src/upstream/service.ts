import type { Target } from './target.ts';

/** Timeouts applied to each upstream request of a service, milliseconds. */
export interface ServiceTimeouts {
  connect: number;
  read: number;
}

/**
 * A service as the proxy sees it: its targets and how to pick one. The simple balancer here is smooth weighted
 * round robin (nginx's), which degrades to plain round robin with equal weights.
 */
export class ServiceRuntime {
  readonly name: string;
  readonly targets: readonly Target[];
  readonly timeouts: ServiceTimeouts;
  private readonly current: number[];
  private readonly totalWeight: number;

  constructor(name: string, targets: readonly Target[], timeouts: ServiceTimeouts) {
    this.name = name;
    this.targets = targets;
    this.timeouts = timeouts;
    this.current = targets.map(() => 0);
    this.totalWeight = targets.reduce((s, t) => s + t.weight, 0);
  }

  /** The next target, or undefined when the service has none with weight > 0. */
  pick(): Target | undefined {
    const n = this.targets.length;
    if (n === 1) return this.targets[0];
    if (this.totalWeight === 0) return undefined;
    let best = -1;
    let bestWeight = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = this.targets[i]!;
      if (t.weight === 0) continue;
      const w = (this.current[i] = this.current[i]! + t.weight);
      if (w > bestWeight) {
        bestWeight = w;
        best = i;
      }
    }
    this.current[best] = this.current[best]! - this.totalWeight;
    return this.targets[best];
  }
}
