import type { Target } from '../target.ts';
import { load, weighted, type Balancer } from './balancer.ts';


/**
 * Least connections honouring weights: the target with the lowest (in-flight + 1) / weight, ties going to
 * the one picked longest ago (so equal targets rotate). An indexed binary heap keeps the order as in-flight
 * counts move: O(log n) per change, O(1) per pick.
 */
export class LeastConnections implements Balancer {
  private heap: Target[] = [];
  private seq = 0;

  update(targets: readonly Target[]): void {
    for (const t of this.heap) t.heapIndex = -1;
    this.heap = weighted(targets);
    this.heap.forEach((t, i) => (t.heapIndex = i));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  pick(_hash: number, exclude: Target | null): Target | undefined {
    const h = this.heap;
    let t = h[0];
    if (t !== undefined && t === exclude && h.length > 1) {
      // The runner-up is one of the root's children.
      const a = h[1]!;
      const b = h[2];
      t = b !== undefined && this.less(b, a) ? b : a;
    }
    if (t !== undefined) {
      t.lastPick = ++this.seq;
      this.fix(t);
    }
    return t;
  }

  changed(t: Target): void {
    this.fix(t);
  }

  private fix(t: Target): void {
    const i = t.heapIndex;
    if (i < 0 || this.heap[i] !== t) return;
    this.up(i);
    this.down(t.heapIndex);
  }

  private less(a: Target, b: Target): boolean {
    const la = load(a);
    const lb = load(b);
    return la < lb || (la === lb && a.lastPick < b.lastPick);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const a = h[i]!;
    const b = h[j]!;
    h[i] = b;
    h[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }
}
