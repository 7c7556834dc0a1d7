import type { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.ts';

/** The traffic metrics, registered once per Metrics (registrations are idempotent). */
export interface UpstreamMetrics {
  health: Gauge<'service' | 'target'>;
  circuit: Gauge<'service'>;
  retries: Counter<'service'>;
  ejections: Counter<'service' | 'target'>;
}

export function upstreamMetrics(m: Metrics): UpstreamMetrics {
  return {
    // Each worker checks and ejects on its own: under --workers a target is healthy when every worker says so,
    // and a breaker shows the furthest state any worker's breaker is in.
    health: m.gauge(
      'portico_upstream_health',
      'Whether a target takes traffic: 1 healthy, 0 unhealthy or ejected (under --workers: in every worker).',
      ['service', 'target'],
      'min',
    ),
    circuit: m.gauge(
      'portico_circuit_state',
      'Service circuit breaker: 0 closed, 1 open, 2 half-open (under --workers: the highest of the workers).',
      ['service'],
      'max',
    ),
    retries: m.counter('portico_retries_total', 'Upstream requests retried, by service.', ['service']),
    ejections: m.counter('portico_ejections_total', 'Targets ejected by passive health checks.', ['service', 'target']),
  };
}
