import { memoryStats } from './metrics.ts';
import { step, expiresAt, summarize, type LimitSpec, type Outcome } from './algorithms.ts';

/** Options for a MemoryStore. */
export interface MemoryStoreOptions {
  /** Most keys held; past it the least recently used key is evicted. */
  readonly maxKeys?: number;
  /** How often expired keys are swept, ms (0: never; tests sweep by hand). */
  readonly sweepEveryMs?: number;
}

interface Entry {
  /** 3 numbers per limit, see algorithms.ts. */
  readonly st: number[];
  /** When every limit of this key is back to empty. */
  exp: number;
  /** CLOCK reference bit: used since the eviction hand last passed. */
  ref: boolean;
}

export const DEFAULT_MAX_KEYS = 200_000;
/** Entries examined per sweep tick: bounds the pause a sweep adds to the event loop. */
const SWEEP_BATCH = 20_000;

/**
 * Rate-limit state in this process: exact (check and update are one synchronous step) and bounded. Expired
 * keys are swept incrementally by an unref'd timer; past `maxKeys` a CLOCK hand (a cheap LRU approximation:
 * a hit only sets a bit) evicts expired keys first, then keys not used since it last passed. Evicting a live
 * key forgets its count — the price of a bound, and why the bound is generous.
 */
export class MemoryStore {
  readonly maxKeys: number;
  private readonly map = new Map<string, Entry>();
  private readonly scratch = new Float64Array(3 * 64);
  private sweepIter: MapIterator<[string, Entry]> | null = null;
  /** The CLOCK hand. Persistent: a fresh iterator would skip every deleted slot at the head each time. */
  private hand: MapIterator<[string, Entry]> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweepEveryMs: number;
  /** The latest `now` callers passed; sweeping uses it so an injected clock stays consistent. */
  private lastNow = 0;
  /** Live keys evicted to stay under maxKeys (a sign the bound is too small). */
  evictions = 0;

  constructor(opts: MemoryStoreOptions = {}) {
    this.maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
    this.sweepEveryMs = opts.sweepEveryMs ?? 5_000;
  }

  get size(): number {
    return this.map.size;
  }

  /**
   * Checks every limit of `key` and, when all accept (and `commit`), takes one request from each — in one
   * synchronous step, so it is atomic in this process. At most 64 limits.
   */
  hit(key: string, specs: readonly LimitSpec[], now: number, commit = true): Outcome {
    const n = specs.length;
    const out = this.scratch;
    this.lastNow = now;
    let e = this.map.get(key);
    if (e === undefined) {
      const st = new Array<number>(3 * n).fill(0);
      if (!commit) {
        for (let i = 0; i < n; i++) step(specs[i]!, st, 3 * i, now, false, out, 3 * i);
        return summarize(out, n);
      }
      // Unreferenced until used again: a new key gets one full turn of the hand, no more.
      e = { st, exp: 0, ref: false };
      if (this.map.size >= this.maxKeys) this.evictOne(now);
      this.map.set(key, e);
      if (this.timer === null && this.sweepEveryMs > 0) this.startSweeper();
    } else {
      e.ref = true;
    }
    const st = e.st;
    let allowed = true;
    for (let i = 0; i < n; i++) {
      step(specs[i]!, st, 3 * i, now, false, out, 3 * i);
      if (out[3 * i]! < 1) allowed = false;
    }
    if (allowed && commit) {
      let exp = 0;
      for (let i = 0; i < n; i++) {
        const spec = specs[i]!;
        step(spec, st, 3 * i, now, true, out, 3 * i);
        const x = expiresAt(spec, st, 3 * i, now);
        if (x > exp) exp = x;
      }
      e.exp = exp;
    }
    return summarize(out, n);
  }

  /** Per-limit figures (avail, wait, reset for each limit) for `key`, without taking anything. */
  peek(key: string, specs: readonly LimitSpec[], now: number): number[] {
    const n = specs.length;
    const st = this.map.get(key)?.st ?? new Array<number>(3 * n).fill(0);
    const out = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) step(specs[i]!, st, 3 * i, now, false, out, 3 * i);
    return [...out];
  }

  /** Removes expired keys, at most `budget` examined per call (continuing where the last call stopped). */
  sweep(budget = SWEEP_BATCH, now = this.lastNow): number {
    let removed = 0;
    this.sweepIter ??= this.map.entries();
    for (let i = 0; i < budget; i++) {
      const r = this.sweepIter.next();
      if (r.done) {
        this.sweepIter = null;
        break;
      }
      if (r.value[1].exp <= now) {
        this.map.delete(r.value[0]);
        removed++;
      }
    }
    return removed;
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.map.clear();
    this.sweepIter = null;
    this.hand = null;
  }

  /** Stops the sweep timer (it is unref'd, so this is only for tidy tests). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private startSweeper(): void {
    this.timer = setInterval(() => this.sweep(), this.sweepEveryMs);
    this.timer.unref();
  }

  /** CLOCK: walk from the hand; drop the first expired or unreferenced entry, giving referenced ones a second chance. */
  private evictOne(now: number): void {
    const map = this.map;
    for (let guard = 2 * map.size + 2; guard > 0; guard--) {
      this.hand ??= map.entries();
      const r = this.hand.next();
      if (r.done) {
        this.hand = null;
        continue;
      }
      const [k, e] = r.value;
      if (e.exp <= now || !e.ref) {
        map.delete(k);
        if (e.exp > now) this.evictions++;
        return;
      }
      e.ref = false;
    }
  }
}

let shared: MemoryStore | null = null;

/** The process-wide memory store: counts survive config reloads (keys name the scope and limits). */
export function processMemoryStore(): MemoryStore {
  if (shared === null) {
    const store = (shared = new MemoryStore());
    memoryStats.keys = () => store.size;
    memoryStats.evictions = () => store.evictions;
  }
  return shared;
}
