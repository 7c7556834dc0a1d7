import type { Metric, Registry } from 'prom-client';

/**
 * One label set's histogram state, updated on the request path with plain arithmetic (~10 ns) and
 * read only when scraped. prom-client's own `Histogram` child costs ~1 µs per observe (it rebuilds
 * and validates a label object, hashes it to a string key and converts the bucket bound to a
 * property name on every call), and a request observes two histograms.
 */
export class HistogramCells {
  readonly #bounds: readonly number[];
  /** Per-bucket counts, not cumulative; the last cell counts values above the highest bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Record one value (seconds). Non-finite values are ignored: a throw would only lose the log. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.#bounds;
    // Linear: 13 bounds, and most requests land in the first few (Prometheus `le` is inclusive).
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i] = this.counts[i]! + 1;
    this.sum += value;
    this.count++;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** One series of a ScrapeHistogram: its label values and cells. */
export interface HistogramSeries {
  /**
   * Keep this object for the series' lifetime: prom-client caches the formatted label string per
   * labels object (a WeakMap), which is most of what a scrape costs.
   */
  readonly labels: Readonly<Record<string, string>>;
  readonly cells: HistogramCells;
}

/** What prom-client's Registry reads from a metric: the layout of its own `get()` results. */
interface Exposition {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: Sample[];
}

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
  /** Labels the text formatter appends after `labels`, formatting each distinct object once. */
  sharedLabels?: Readonly<Record<string, string>>;
}

/**
 * A histogram prom-client's Registry serves but whose values live in HistogramCells owned elsewhere
 * (by RouteMetrics). It implements the part of prom-client's metric contract the Registry and
 * AggregatorRegistry use: `name`, `help`, `type`, `aggregator`, `get()` (the same value layout as
 * prom-client's Histogram: `le` first, cumulative buckets, then `+Inf`, `_sum`, `_count`) and
 * `reset()`. Summed across cluster workers like any histogram.
 */
export class ScrapeHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  readonly #series: () => Iterable<HistogramSeries>;

  constructor(
    name: string,
    help: string,
    bounds: readonly number[],
    series: () => Iterable<HistogramSeries>,
  ) {
    this.name = name;
    this.help = help;
    this.#bounds = bounds;
    this.#series = series;
  }

  /** Put it on `registry` (throws on a name already taken, like any prom-client metric). */
  register(registry: Registry): this {
    if (registry.getSingleMetric(this.name) !== undefined) {
      throw new Error(`A metric with the name ${this.name} has already been registered.`);
    }
    // The Registry is duck-typed at runtime; its TypeScript signature lists only its own classes.
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  /** The JSON form (getMetricsAsJSON, cluster aggregation): every sample carries all its labels. */
  async get(): Promise<Exposition> {
    return this.#collect(false);
  }

  /**
   * The form the Registry prefers for text exposition (as prom-client's Histogram does): series
   * labels passed as `sharedLabels`, whose formatting prom-client caches, so a scrape does not
   * re-escape them per bucket.
   */
  async getForPromString(): Promise<Exposition> {
    return this.#collect(true);
  }

  #collect(shared: boolean): Exposition {
    const bucket = `${this.name}_bucket`;
    const sum = `${this.name}_sum`;
    const count = `${this.name}_count`;
    const bounds = this.#bounds;
    const values: Sample[] = [];
    for (const { labels, cells } of this.#series()) {
      // Series appear with their first observation, as prom-client's do.
      if (cells.count === 0) continue;
      const sample = (le: number | string | null, value: number, metricName: string): Sample =>
        shared
          ? { value, labels: le === null ? {} : { le }, metricName, sharedLabels: labels }
          : { value, labels: le === null ? { ...labels } : { le, ...labels }, metricName };
      let acc = 0;
      for (let i = 0; i < bounds.length; i++) {
        acc += cells.counts[i]!;
        values.push(sample(bounds[i]!, acc, bucket));
      }
      values.push(sample('+Inf', cells.count, bucket));
      values.push(sample(null, cells.sum, sum), sample(null, cells.count, count));
    }
    const { name, help, type, aggregator } = this;
    return { name, help, type, aggregator, values };
  }

  /** What `registry.resetMetrics()` calls. */
  reset(): void {
    for (const { cells } of this.#series()) cells.reset();
  }
}
