/**
 * The four rate-limit algorithms as pure arithmetic on a small state vector, so the memory store runs them
 * synchronously and redis-script.ts mirrors them line for line in Lua (the parity test runs both on the same
 * inputs). Times are milliseconds since the epoch; windows are aligned to the epoch.
 *
 * Every limit keeps three numbers (`a`, `b`, `c`); all zeros is the empty state:
 * - fixed-window:   a = window index, b = count
 * - sliding-window: a = window index, b = count in that window, c = count in the window before
 * - token-bucket:   a = tokens, b = time of the last take (0 = never: a full bucket)
 * - leaky-bucket:   a = TAT, the GCRA theoretical arrival time
 *
 * Each limit is evaluated into three figures: `avail` (requests it would accept right now, this one
 * included), `wait` (ms: the delay before an accepted request proceeds — leaky-bucket only — or, when
 * refused, until it would be accepted) and `reset` (ms until the limit is fully restored). A request passes
 * when every limit has avail ≥ 1; only then is every limit committed, so a refused request costs nothing.
 */

export const FIXED = 1;
export const SLIDING = 2;
export const TOKEN = 3;
export const GCRA = 4;
export type AlgoCode = typeof FIXED | typeof SLIDING | typeof TOKEN | typeof GCRA;

/** One limit, resolved from config. */
export interface LimitSpec {
  readonly algo: AlgoCode;
  /** Requests per window (the rate for token/leaky bucket). */
  readonly limit: number;
  readonly windowMs: number;
  /** token-bucket: capacity; leaky-bucket: tolerance τ in ms (how far ahead of schedule it may run). */
  readonly param: number;
  /** What `RateLimit-Limit` shows for this limit. */
  readonly headerLimit: number;
  /** Names this limit inside a store key (algorithm, window, limit, param), e.g. `f60000:100`. */
  readonly suffix: string;
}

/** GCRA divides floats by floats; this keeps 99.99999999 from flooring to 99. Lua uses the same value. */
const EPS = 1e-9;

/**
 * Evaluates limit `spec` on `st[o..o+2]` at `now`, writing avail, wait, reset into `out[j..j+2]`. With
 * `commit`, also takes one request from the state and writes the reset as it is after the take.
 */
export function step(spec: LimitSpec, st: number[], o: number, now: number, commit: boolean, out: Float64Array, j: number): void {
  const L = spec.limit;
  const W = spec.windowMs;
  switch (spec.algo) {
    case FIXED: {
      const idx = Math.floor(now / W);
      const c = st[o] === idx ? st[o + 1]! : 0;
      const end = (idx + 1) * W;
      const avail = Math.max(0, L - c);
      out[j] = avail;
      out[j + 1] = avail >= 1 ? 0 : end - now;
      out[j + 2] = end - now;
      if (commit) {
        st[o] = idx;
        st[o + 1] = c + 1;
      }
      return;
    }
    case SLIDING: {
      const idx = Math.floor(now / W);
      const start = idx * W;
      const w = st[o]!;
      let c = 0;
      let p = 0;
      if (w === idx) {
        c = st[o + 1]!;
        p = st[o + 2]!;
      } else if (w === idx - 1) {
        p = st[o + 1]!;
      }
      const est = p * (1 - (now - start) / W) + c;
      const avail = Math.max(0, Math.floor(L - est));
      out[j] = avail;
      let wait = 0;
      if (avail < 1) {
        // When does p's weight fall enough (this window), or c's (as next window's previous)?
        const t = c <= L - 1 && p > 0 ? start + (1 - (L - 1 - c) / p) * W : start + W + (1 - (L - 1) / c) * W;
        wait = Math.max(1, t - now);
      }
      out[j + 1] = wait;
      out[j + 2] = start + W - now;
      if (commit) {
        st[o] = idx;
        st[o + 1] = c + 1;
        st[o + 2] = p;
      }
      return;
    }
    case TOKEN: {
      const C = spec.param;
      const rate = L / W;
      const ts = st[o + 1]!;
      const tokens = ts === 0 ? C : Math.min(C, st[o]! + Math.max(0, now - ts) * rate);
      const avail = Math.floor(tokens);
      out[j] = avail;
      out[j + 1] = avail >= 1 ? 0 : (1 - tokens) / rate;
      out[j + 2] = (C - tokens) / rate;
      if (commit) {
        st[o] = tokens - 1;
        st[o + 1] = now;
        out[j + 2] = (C - tokens + 1) / rate;
      }
      return;
    }
    case GCRA: {
      const T = W / L;
      const tau = spec.param;
      const s = Math.max(st[o]!, now);
      const backlog = s - now;
      const avail = backlog <= tau ? Math.floor((tau - backlog) / T + EPS) + 1 : 0;
      out[j] = avail;
      out[j + 1] = avail >= 1 ? backlog : backlog - tau;
      out[j + 2] = backlog;
      if (commit) {
        st[o] = s + T;
        out[j + 2] = s + T - now;
      }
      return;
    }
  }
}

/** When a limit's state is back to empty (safe to forget), given its state right after `step`. */
export function expiresAt(spec: LimitSpec, st: number[], o: number, now: number): number {
  switch (spec.algo) {
    case FIXED:
      return (st[o]! + 1) * spec.windowMs;
    case SLIDING:
      return (st[o]! + 2) * spec.windowMs;
    case TOKEN:
      return now + ((spec.param - st[o]!) * spec.windowMs) / spec.limit;
    case GCRA:
      return st[o]!;
  }
}

/** The decision for one request over all its limits, and the figures its headers show. */
export interface Outcome {
  readonly allowed: boolean;
  /** ms the request waits before it proceeds (leaky-bucket `delay` mode); 0 otherwise. */
  readonly delayMs: number;
  /** The limit the headers describe: the tightest when allowed, the one refusing longest when refused. */
  readonly index: number;
  /** Requests left after this one (0 when refused). */
  readonly remaining: number;
  /** ms until the described limit is fully restored. */
  readonly resetMs: number;
  /** ms until the request would be accepted (0 when allowed). */
  readonly retryMs: number;
}

/** Folds per-limit figures `r` (avail, wait, reset per limit, from `start`) into an Outcome. */
export function summarize(r: ArrayLike<number>, n: number, start = 0): Outcome {
  let allowed = true;
  for (let i = 0; i < n; i++) if (r[start + 3 * i]! < 1) allowed = false;
  let index = 0;
  if (allowed) {
    let delay = 0;
    let best = Infinity;
    let bestReset = -1;
    for (let i = 0; i < n; i++) {
      const o = start + 3 * i;
      const rem = r[o]! - 1;
      const reset = r[o + 2]!;
      if (r[o + 1]! > delay) delay = r[o + 1]!;
      if (rem < best || (rem === best && reset > bestReset)) {
        best = rem;
        bestReset = reset;
        index = i;
      }
    }
    return { allowed, delayMs: delay, index, remaining: best, resetMs: bestReset, retryMs: 0 };
  }
  let retry = -1;
  for (let i = 0; i < n; i++) {
    const o = start + 3 * i;
    if (r[o]! < 1 && r[o + 1]! > retry) {
      retry = r[o + 1]!;
      index = i;
    }
  }
  const reset = r[start + 3 * index + 2]!;
  return { allowed, delayMs: 0, index, remaining: 0, resetMs: Math.max(reset, retry), retryMs: retry };
}
