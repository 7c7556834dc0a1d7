import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Latency buckets for a gateway, in seconds: 1 ms (a local reply, a cache hit) up to 10 s (a slow upstream
 * near its timeout). Denser at the low end, where a proxy's own overhead lives.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Options for `new Metrics()`. */
export interface MetricsOptions {
  /**
   * Register prom-client's process and Node metrics (`process_cpu_seconds_total`,
   * `process_resident_memory_bytes`, `nodejs_*`) under their standard, unprefixed names, so stock Node
   * dashboards work. Default true.
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
 * The metric handles for one (route, service) pair, built once at compile time and kept across reloads.
 *
 * Why per-status children cached in an array: prom-client's `labels(...)` builds a label object and validates
 * it on every call; a cached child skips that, and an array indexed by status code is the cheapest lookup.
 */
export class RouteMetrics {
  readonly route: string;
  readonly service: string;
  readonly #requests: Counter<'route' | 'service' | 'status'>;
  readonly #byStatus: (Counter.Internal | undefined)[] = [];
  readonly #duration: Histogram.Internal<'route' | 'service'>;
  readonly #upstream: Histogram.Internal<'route' | 'service'>;

  constructor(
    route: string,
    service: string,
    requests: Counter<'route' | 'service' | 'status'>,
    duration: Histogram<'route' | 'service'>,
    upstream: Histogram<'route' | 'service'>,
  ) {
    this.route = route;
    this.service = service;
    this.#requests = requests;
    this.#duration = duration.labels(route, service);
    this.#upstream = upstream.labels(route, service);
  }

  /**
   * Count one finished request. Durations in seconds; `upstreamSec` null when no upstream was called (a local
   * reply). Non-finite durations are skipped rather than thrown: this runs after the response, where a throw
   * would only lose the log line too.
   */
  observe(status: number, durationSec: number, upstreamSec: number | null): void {
    let child = this.#byStatus[status];
    if (child === undefined) {
      child = this.#requests.labels(this.route, this.service, String(status));
      this.#byStatus[status] = child;
    }
    child.inc();
    if (Number.isFinite(durationSec)) this.#duration.observe(durationSec);
    if (upstreamSec !== null && Number.isFinite(upstreamSec)) this.#upstream.observe(upstreamSec);
  }
}

type MetricKind = 'counter' | 'gauge' | 'histogram';

/**
 * Portico's Prometheus metrics, on a registry of its own (not prom-client's global one, so tests and tools
 * can hold several). One instance per process, kept across config reloads.
 *
 * Labels are bounded by the config, never by traffic: route and service *names*, status codes. The empty
 * string means "none": `route=""` for requests that matched no route (404 from the router), `service=""`
 * for routes without a service (answered by plugins alone).
 */
export class Metrics {
  readonly registry: Registry;
  /** Requests in flight across all tables (old tables draining after a reload included). */
  readonly inFlight: InFlight;
  readonly #requests: Counter<'route' | 'service' | 'status'>;
  readonly #duration: Histogram<'route' | 'service'>;
  readonly #upstream: Histogram<'route' | 'service'>;
  readonly #reloads: Counter<'result'>;
  readonly #configInfo: Gauge<'hash'>;
  /** route → service → handles (nested, so no separator character can make two pairs collide). */
  readonly #routes = new Map<string, Map<string, RouteMetrics>>();
  /** Kind and label names of every metric made through counter()/gauge()/histogram(), for idempotence. */
  readonly #specs = new Map<string, { kind: MetricKind; labels: string }>();

  constructor(opts: MetricsOptions = {}) {
    this.registry = new Registry();
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });

    this.#requests = this.counter(
      'portico_requests_total',
      'Requests answered, by matched route, service and response status.',
      ['route', 'service', 'status'],
    );
    this.#duration = this.histogram(
      'portico_request_duration_seconds',
      'Time from request arrival to the end of the response, by route and service.',
      ['route', 'service'],
    );
    this.#upstream = this.histogram(
      'portico_upstream_duration_seconds',
      'Time spent waiting on the upstream (all attempts), by route and service.',
      ['route', 'service'],
    );
    this.#reloads = this.counter(
      'portico_config_reloads_total',
      'Config reload attempts by result (success or failure).',
      ['result'],
    );
    // Both series exist from start, so `increase(...{result="failure"}[5m])` alerts work before a failure.
    this.#reloads.inc({ result: 'success' }, 0);
    this.#reloads.inc({ result: 'failure' }, 0);
    this.#configInfo = this.gauge(
      'portico_config_info',
      'Always 1, labelled with the hash of the config in use. Summed across cluster workers: workers per hash.',
      ['hash'],
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
  }

  /** The handles for one (route, service) pair; the same object for the same pair, across reloads. */
  forRoute(route: string, service: string): RouteMetrics {
    let byService = this.#routes.get(route);
    if (byService === undefined) {
      byService = new Map();
      this.#routes.set(route, byService);
    }
    let rm = byService.get(service);
    if (rm === undefined) {
      rm = new RouteMetrics(route, service, this.#requests, this.#duration, this.#upstream);
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
   * A counter on this registry, for later features (rate limiting, health checks). Idempotent: a second call
   * with the same name returns the existing metric, so `create()` on every reload is fine. A name reused with
   * another kind or other label names throws (two features disagreeing is a bug).
   */
  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.#make(name, 'counter', labelNames, () => new Counter({ name, help, labelNames, registers: [this.registry] }));
  }

  /** A gauge on this registry; idempotent like `counter()`. */
  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.#make(name, 'gauge', labelNames, () => new Gauge({ name, help, labelNames, registers: [this.registry] }));
  }

  /** A histogram on this registry (latency buckets unless given); idempotent like `counter()`. */
  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: readonly number[] = LATENCY_BUCKETS,
  ): Histogram<L> {
    return this.#make(
      name,
      'histogram',
      labelNames,
      () => new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [this.registry] }),
    );
  }

  /** The exposition text for `GET /metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type to serve `text()` with. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The metric already made under `name` (its spec must match), else a new one from `create`. */
  #make<M>(name: string, kind: MetricKind, labelNames: readonly string[], create: () => M): M {
    const labels = labelNames.join(',');
    const spec = this.#specs.get(name);
    if (spec !== undefined) {
      if (spec.kind !== kind || spec.labels !== labels) {
        throw new Error(
          `metric ${name} was registered as ${spec.kind}(${spec.labels}), now requested as ${kind}(${labels})`,
        );
      }
      return this.registry.getSingleMetric(name) as unknown as M;
    }
    // Throws on an invalid name or one taken by a default metric; the spec is recorded only on success.
    const metric = create();
    this.#specs.set(name, { kind, labels });
    return metric;
  }
}
