import type { Target } from '../target.ts';
import { weighted, type Balancer } from './balancer.ts';
import { hash32 } from '../hash.ts';

/** Maglev lookup table size: a prime well above 100 × targets, so each holds ~1% precision of its share. */
export const MAGLEV_SIZE = 65537;

/**
 * Consistent hashing with Google's Maglev table (weighted as Envoy does): each target fills table slots in the
 * order of its own permutation, turns given in proportion to weight. A lookup is one array read, O(1); the
 * table is rebuilt when the eligible set changes, and removing one of N targets moves about 1/N of the keys
 * (only the slots that target held, plus a little churn).
 */
export class ConsistentHash implements Balancer {
  private table: Target[] = [];
  private readonly size: number;

  constructor(size = MAGLEV_SIZE) {
    this.size = size;
  }

  update(targets: readonly Target[]): void {
    this.table = buildMaglev(weighted(targets), this.size);
  }

  pick(hash: number, exclude: Target | null): Target | undefined {
    const table = this.table;
    if (table.length === 0) return undefined;
    const i = hash % table.length;
    const t = table[i]!;
    if (t !== exclude) return t;
    // A retry walks on to the next slot owned by someone else: still deterministic per key.
    for (let k = 1; k < 64; k++) {
      const o = table[(i + k) % table.length]!;
      if (o !== exclude) return o;
    }
    return t;
  }
}

/** The Maglev table for these targets; targets are identified by label, so the result is stable across rebuilds. */
export function buildMaglev(targets: readonly Target[], size: number): Target[] {
  const n = targets.length;
  if (n === 0) return [];
  // Sort by label so the table depends only on the set, not on the order targets were listed or discovered.
  const list = [...targets].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const offset = list.map((t) => hash32(t.label, 0x9747b28c) % size);
  const skip = list.map((t) => (hash32(t.label, 0x2f0f3e5d) % (size - 1)) + 1);
  const next = new Array<number>(n).fill(0);
  const maxW = Math.max(...list.map((t) => t.weight));
  const norm = list.map((t) => t.weight / maxW);
  const table = new Array<Target | undefined>(size).fill(undefined);
  let filled = 0;
  for (let iteration = 1; filled < size; iteration++) {
    for (let i = 0; i < n && filled < size; i++) {
      // Weighted turns: a target of half the max weight fills a slot every other round.
      if (Math.floor(iteration * norm[i]!) === Math.floor((iteration - 1) * norm[i]!)) continue;
      let c = (offset[i]! + next[i]! * skip[i]!) % size;
      while (table[c] !== undefined) {
        next[i]!++;
        c = (offset[i]! + next[i]! * skip[i]!) % size;
      }
      table[c] = list[i]!;
      next[i]!++;
      filled++;
    }
  }
  return table as Target[];
}
