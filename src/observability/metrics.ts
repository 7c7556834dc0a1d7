import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Aggregator } from 'prom-client';
import { HistogramCells, ScrapeHistogram, type HistogramSeries } from './scrape-histogram.ts';

/**
 * Latency buckets for a gateway, in seconds: 1 ms (a local reply, a cache hit) up to 10 s (a slow
 * upstream near its timeout). Denser at the low end, where a proxy's own overhead lives.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Options for `new Metrics()`. */
export interface MetricsOptions {
  /**
   * Register prom-client's process and Node metrics (`process_cpu_seconds_total`,
   * `process_resident_memory_bytes`, `nodejs_*`) under their standard, unprefixed names, so stock
   * Node dashboards work. Default true.
   */
  readonly defaultMetrics?: boolean;
}

/** Requests currently being served: a plain number, read into the gauge at scrape time. */
export interface InFlight {
  inc(): void;
  dec(): void;
  readonly value: number;
}

class InFlightCount implements InFlight {
  value = 0;
  inc(): void {
    this.value++;
  }
  dec(): void {
    this.value--;
  }
}

/**
 * The request metrics of one (route, service) pair, built once at compile time and kept across
 * reloads.
 *
 * Why plain numbers instead of prom-client children: a cached child still rebuilds, validates and
 * hashes its label object on every `inc()`/`observe()` (prom-client 15). Measured with
 * metrics.bench.ts on the dev VM: counter + 2 histogram children cached per status ~2400 ns per
 * request; these cells ~30 ns. The registry reads them when scraped (same text, same cost).
 */
export class RouteMetrics {
  readonly route: string;
  readonly service: string;
  /** Requests by status code (index); holes for codes never seen. */
  readonly #byStatus: number[] = [];
  readonly #duration = new HistogramCells(LATENCY_BUCKETS);
  readonly #upstream = new HistogramCells(LATENCY_BUCKETS);
  /** For the scrape: this pair's histogram series (built once; see HistogramSeries.labels). */
  readonly durationSeries: HistogramSeries;
  readonly upstreamSeries: HistogramSeries;
  /** Shared with Metrics: whether requests are also counted by consumer (`metrics.consumer_label`). */
  readonly #flags: MetricFlags;
  /** consumer → requests by status; only filled while the consumer label is on (cardinality). */
  readonly #byConsumer = new Map<string, number[]>();

  constructor(route: string, service: string, flags: MetricFlags = { consumerLabel: false }) {
    this.route = route;
    this.service = service;
    this.#flags = flags;
    const labels = { route, service };
    this.durationSeries = { labels, cells: this.#duration };
    this.upstreamSeries = { labels, cells: this.#upstream };
  }

  /**
   * Count one finished request. Durations in seconds; `upstreamSec` null when no upstream was
   * called (a local reply). Non-finite durations are skipped rather than thrown: this runs after
   * the response, where a throw would only lose the log line too.
   */
  observe(status: number, durationSec: number, upstreamSec: number | null, consumer: string | null = null): void {
    if (this.#flags.consumerLabel) {
      const key = consumer ?? '';
      let counts = this.#byConsumer.get(key);
      if (counts === undefined) this.#byConsumer.set(key, (counts = []));
      counts[status] = (counts[status] ?? 0) + 1;
    } else this.#byStatus[status] = (this.#byStatus[status] ?? 0) + 1;
    this.#duration.observe(durationSec);
    if (upstreamSec !== null) this.#upstream.observe(upstreamSec);
  }

  /** For the scrape: add this pair's counts to the requests counter. */
  exportRequests(counter: Counter<'route' | 'service' | 'status' | 'consumer'>): void {
    const byStatus = this.#byStatus;
    for (let status = 0; status < byStatus.length; status++) {
      const n = byStatus[status];
      if (n === undefined) continue;
      counter.inc({ route: this.route, service: this.service, status: String(status) }, n);
    }
    for (const [consumer, counts] of this.#byConsumer) {
      for (let status = 0; status < counts.length; status++) {
        const n = counts[status];
        if (n === undefined) continue;
        counter.inc({ route: this.route, service: this.service, status: String(status), consumer }, n);
      }
    }
  }
}

/** Switches shared by every RouteMetrics of one Metrics. */
export interface MetricFlags {
  consumerLabel: boolean;
}

/** `built-in`: Portico's own metrics, which counter()/gauge()/histogram() must never hand out. */
type MetricKind = 'counter' | 'gauge' | 'histogram' | 'built-in';

/**
 * Portico's Prometheus metrics, on a registry of its own (not prom-client's global one, so tests
 * and tools can hold several). One instance per process, kept across config reloads.
 *
 * Labels are bounded by the config, never by traffic: route and service *names*, status codes. The
 * empty string means "none": `route=""` for requests that matched no route (404 from the router),
 * `service=""` for routes without a service (answered by plugins alone).
 */
export class Metrics {
  readonly registry: Registry;
  /** Requests in flight across all tables (old tables draining after a reload included). */
  readonly inFlight: InFlight;
  readonly #reloads: Counter<'result'>;
  readonly #configInfo: Gauge<'hash'>;
  /** route → service → handles (nested, so no separator character can make two pairs collide). */
  readonly #routes = new Map<string, Map<string, RouteMetrics>>();
  /** Kind and label names of every portico_* metric and of each one counter() & co. made. */
  readonly #specs = new Map<string, { kind: MetricKind; labels: string }>();

  /** `metrics.consumer_label` from the config in use: count requests by consumer too (off: cardinality). */
  readonly flags: MetricFlags = { consumerLabel: false };

  constructor(opts: MetricsOptions = {}) {
    this.registry = new Registry();
    this.registries = [this.registry];
    if (opts.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // A per-process limit, the same in every worker: summing it would double it.
      const maxFds = this.registry.getSingleMetric('process_max_fds');
      if (maxFds !== undefined) (maxFds as unknown as { aggregator: Aggregator }).aggregator = 'max';
    }

    // The request metrics live in RouteMetrics cells (see there); these read them at scrape time.
    const routes = (): Iterable<RouteMetrics> => this.#allRoutes();
    new Counter({
      name: 'portico_requests_total',
      help: 'Requests answered, by matched route, service and response status (and consumer when metrics.consumer_label is on).',
      labelNames: ['route', 'service', 'status', 'consumer'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const rm of routes()) rm.exportRequests(this);
      },
    });
    new ScrapeHistogram(
      'portico_request_duration_seconds',
      'Time from request arrival to the end of the response, by route and service.',
      LATENCY_BUCKETS,
      function* () {
        for (const rm of routes()) yield rm.durationSeries;
      },
    ).register(this.registry);
    new ScrapeHistogram(
      'portico_upstream_duration_seconds',
      'Time spent waiting on the upstream (all attempts), by route and service.',
      LATENCY_BUCKETS,
      function* () {
        for (const rm of routes()) yield rm.upstreamSeries;
      },
    ).register(this.registry);
    this.#reloads = this.counter(
      'portico_config_reloads_total',
      'Config reload attempts by result (success or failure).',
      ['result'],
    );
    // Both series exist from the start, so `increase(...{result="failure"}[5m])` alerts work.
    this.#reloads.inc({ result: 'success' }, 0);
    this.#reloads.inc({ result: 'failure' }, 0);
    this.#configInfo = this.gauge(
      'portico_config_info',
      'Always 1, labelled with the hash of the config in use (under --workers: one series per hash served).',
      ['hash'],
      'max',
    );

    const inFlight = new InFlightCount();
    this.inFlight = inFlight;
    // Incremented and decremented twice per request: a plain number, read only when scraped.
    new Gauge({
      name: 'portico_requests_in_flight',
      help: 'Requests being served right now.',
      registers: [this.registry],
      collect() {
        this.set(inFlight.value);
      },
    });
    this.#reserveBuiltIns();
  }

  /** The handles for one (route, service) pair: the same object for that pair, across reloads. */
  forRoute(route: string, service: string): RouteMetrics {
    let byService = this.#routes.get(route);
    if (byService === undefined) {
      byService = new Map();
      this.#routes.set(route, byService);
    }
    let rm = byService.get(service);
    if (rm === undefined) {
      rm = new RouteMetrics(route, service, this.flags);
      byService.set(service, rm);
    }
    return rm;
  }

  /** Count a reload attempt. */
  reloaded(ok: boolean): void {
    this.#reloads.inc({ result: ok ? 'success' : 'failure' });
  }

  /** Publish the hash of the config now serving; the previous hash's series is removed. */
  configInfo(hash: string): void {
    this.#configInfo.reset();
    this.#configInfo.set({ hash }, 1);
  }

  /**
   * A counter on this registry, for later features (rate limiting, health checks). Idempotent: a
   * second call with the same name returns the existing metric, so `create()` on every reload is
   * fine. A name reused with another kind or other label names throws (two features disagreeing is
   * a bug).
   */
  counter<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    const registers = [this.registry];
    const create = (): Counter<L> => new Counter({ name, help, labelNames, registers });
    return this.#make(name, 'counter', labelNames, create);
  }

  /**
   * A gauge on this registry; idempotent like `counter()`. `aggregator` says how `--workers` combines the
   * workers' values (default sum, right for amounts; a state or a flag wants min, max or first).
   */
  gauge<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    aggregator: Aggregator = 'sum',
  ): Gauge<L> {
    const registers = [this.registry];
    const create = (): Gauge<L> => new Gauge({ name, help, labelNames, registers, aggregator });
    return this.#make(name, 'gauge', labelNames, create);
  }

  /** A histogram on this registry (latency buckets unless given); idempotent like `counter()`. */
  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: readonly number[] = LATENCY_BUCKETS,
  ): Histogram<L> {
    const registers = [this.registry];
    const create = (): Histogram<L> =>
      new Histogram({ name, help, labelNames, buckets: [...buckets], registers });
    return this.#make(name, 'histogram', labelNames, create);
  }

  /**
   * Registries kept by features that have no Metrics handle (e.g. the rate-limit store), served
   * alongside.
   */
  readonly extra: Registry[] = [];

  /**
   * `registry` followed by `extra`: one live array, which registerWorkerMetrics hands to
   * prom-client's AggregatorRegistry as is, so an include() after registration is aggregated too.
   */
  readonly registries: Registry[];

  /** Serve another registry's metrics from `/metrics` too (idempotent). */
  include(registry: Registry): void {
    if (this.registries.includes(registry)) return;
    this.extra.push(registry);
    this.registries.push(registry);
  }

  /** The exposition text for `GET /metrics`. */
  text(): Promise<string> {
    if (this.extra.length === 0) return this.registry.metrics();
    return Registry.merge([this.registry, ...this.extra]).metrics();
  }

  /** The Content-Type to serve `text()` with. */
  get contentType(): string {
    return this.registry.contentType;
  }

  *#allRoutes(): Generator<RouteMetrics> {
    for (const byService of this.#routes.values()) yield* byService.values();
  }

  /**
   * Portico's own metrics are off limits to counter()/gauge()/histogram(): some are fed at scrape
   * time from RouteMetrics (an `inc()` on them would be lost), and none should be shared with a
   * feature by accident.
   */
  #reserveBuiltIns(): void {
    for (const name of this.registry.getMetricsAsArray().map((m) => m.name)) {
      if (name.startsWith('portico_')) this.#specs.set(name, { kind: 'built-in', labels: '' });
    }
  }

  /** The metric already made under `name` (its spec must match), else a new one from `create`. */
  #make<M>(name: string, kind: MetricKind, labelNames: readonly string[], create: () => M): M {
    const labels = labelNames.join(',');
    const spec = this.#specs.get(name);
    if (spec !== undefined) {
      if (spec.kind === 'built-in') {
        throw new Error(`metric ${name} is built into Portico; use another name`);
      }
      if (spec.kind !== kind || spec.labels !== labels) {
        const [was, now] = [`${spec.kind}(${spec.labels})`, `${kind}(${labels})`];
        throw new Error(`metric ${name} was registered as ${was}, now requested as ${now}`);
      }
      return this.registry.getSingleMetric(name) as unknown as M;
    }
    // Throws on an invalid name or one a default metric holds; the spec is kept only on success.
    const metric = create();
    this.#specs.set(name, { kind, labels });
    return metric;
  }
}
