/**
 * A bounded map with per-entry expiry (wall-clock ms). When full, the oldest insertion is evicted
 * (insertion order ≈ LRU for caches whose hot keys are re-inserted on refresh). No timers: expired entries
 * are dropped when read or pushed out by newer ones.
 */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get size(): number {
    return this.map.size;
  }

  /** The value if present and `now < expiresAt`. */
  get(key: string, now: number): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (now >= e.expiresAt) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` until `expiresAt`; ignored when already expired. */
  set(key: string, value: V, expiresAt: number, now: number): void {
    if (expiresAt <= now || this.max <= 0) return;
    if (this.map.size >= this.max && !this.map.has(key)) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * A memo of a pure function of short strings whose inputs repeat (a token header segment, a scope string):
 * computes on a miss, keeps at most `entries` results and clears itself when full, and never keeps keys
 * longer than `maxChars`. Distinct junk inputs therefore cannot grow it.
 */
export class Memo<V> {
  private readonly map = new Map<string, V>();
  private readonly compute: (key: string) => V;
  private readonly entries: number;
  private readonly maxChars: number;

  constructor(compute: (key: string) => V, entries: number, maxChars: number) {
    this.compute = compute;
    this.entries = entries;
    this.maxChars = maxChars;
  }

  get(key: string): V {
    let v = this.map.get(key);
    if (v !== undefined) return v;
    v = this.compute(key);
    if (key.length <= this.maxChars) {
      if (this.map.size >= this.entries) this.map.clear();
      this.map.set(key, v);
    }
    return v;
  }
}
