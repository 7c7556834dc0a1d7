/**
 * Counts of successes and failures over a rolling window, in `buckets` slices: O(1) per record, the oldest
 * slice is dropped as time moves on. Time is monotonic ms passed by the caller (an injected clock).
 */
export class RollingCounts {
  private readonly slice: number;
  private readonly ok: Float64Array;
  private readonly bad: Float64Array;
  private head = 0;
  private headStart = 0;
  private okSum = 0;
  private badSum = 0;

  constructor(windowMs: number, buckets = 10) {
    this.slice = Math.max(1, windowMs / buckets);
    this.ok = new Float64Array(buckets);
    this.bad = new Float64Array(buckets);
  }

  add(success: boolean, now: number): void {
    this.advance(now);
    if (success) {
      this.ok[this.head]!++;
      this.okSum++;
    } else {
      this.bad[this.head]!++;
      this.badSum++;
    }
  }

  total(now: number): number {
    this.advance(now);
    return this.okSum + this.badSum;
  }

  failures(now: number): number {
    this.advance(now);
    return this.badSum;
  }

  reset(now: number): void {
    this.ok.fill(0);
    this.bad.fill(0);
    this.okSum = this.badSum = 0;
    this.headStart = now;
  }

  private advance(now: number): void {
    const n = this.ok.length;
    let steps = Math.floor((now - this.headStart) / this.slice);
    if (steps <= 0) return;
    if (steps >= n) {
      this.reset(now);
      return;
    }
    this.headStart += steps * this.slice;
    while (steps-- > 0) {
      this.head = (this.head + 1) % n;
      this.okSum -= this.ok[this.head]!;
      this.badSum -= this.bad[this.head]!;
      this.ok[this.head] = 0;
      this.bad[this.head] = 0;
    }
  }
}
