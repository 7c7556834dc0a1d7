/**
 * Metrics under `--workers N`: each worker keeps its own `Metrics`; the primary answers
 * `GET /metrics` by asking every worker over the cluster IPC channel and summing (prom-client's
 * AggregatorRegistry).
 *
 * What each side must call:
 * - worker: `registerWorkerMetrics(metrics)` once, as early as possible. Until a worker has called
 *   it, it does not answer the primary and `aggregateClusterMetrics()` fails after prom-client's
 *   5 s timeout; so create the `Metrics` first, register it, then start the gateway with it.
 * - primary: `aggregateClusterMetrics()` per scrape. It only asks workers that are connected; with
 *   none it resolves to ''. The primary's own metrics are not included (it serves no traffic).
 *
 * How series combine: by each metric's `aggregator`. Counters, histograms and amounts such as
 * `portico_requests_in_flight` are summed (the cluster total); state gauges say how they combine where
 * they are made (`portico_upstream_health` min, `portico_circuit_state` max, `portico_config_info` max:
 * one series valued 1 per hash served, two mid-rollout). prom-client's default metrics carry their own
 * rules (e.g. `nodejs_version_info` from the first worker, event-loop lag averaged); Metrics makes
 * `process_max_fds` a max.
 */
import { AggregatorRegistry, prometheusContentType, type PrometheusContentType } from 'prom-client';
import type { Metrics } from './metrics.ts';

/** The Content-Type of `aggregateClusterMetrics()`'s text (Prometheus text format 0.0.4). */
export const clusterMetricsContentType: string = prometheusContentType;

let aggregator: AggregatorRegistry<PrometheusContentType> | null = null;

/**
 * AggregatorRegistry installs its IPC listeners from its constructor only (once per process): in a
 * worker the one that answers the primary's requests, in the primary the one that collects the
 * answers.
 */
function ensureAggregator(): AggregatorRegistry<PrometheusContentType> {
  // Its default content type is Prometheus text, matching clusterMetricsContentType.
  aggregator ??= new AggregatorRegistry<PrometheusContentType>();
  return aggregator;
}

/**
 * In a cluster worker: answer the primary's metric requests from `metrics.registry`. (prom-client
 * answers from its global registry by default, which Portico does not use.) Calling it again with
 * another `Metrics` switches the answer to that one: one `Metrics` per process is the intended use.
 */
export function registerWorkerMetrics(metrics: Metrics): void {
  ensureAggregator();
  // The live array, not a copy: prom-client keeps the array it is given (cluster.js `registries =
  // regs`), so registries include()d later are answered too. cluster-metrics.test.ts checks this.
  AggregatorRegistry.setRegistries(metrics.registries);
}

/**
 * In the cluster primary: every connected worker's metrics, aggregated, as Prometheus text. Rejects
 * with "Operation timed out." when a worker does not answer within 5 s.
 */
export function aggregateClusterMetrics(): Promise<string> {
  return ensureAggregator().clusterMetrics();
}
