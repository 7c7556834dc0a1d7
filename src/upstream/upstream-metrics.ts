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
    health: m.gauge(
      'portico_upstream_health',
      'Whether a target takes traffic: 1 healthy, 0 unhealthy or ejected.',
      ['service', 'target'],
    ),
    circuit: m.gauge('portico_circuit_state', 'Service circuit breaker: 0 closed, 1 open, 2 half-open.', ['service']),
    retries: m.counter('portico_retries_total', 'Upstream requests retried, by service.', ['service']),
    ejections: m.counter('portico_ejections_total', 'Targets ejected by passive health checks.', ['service', 'target']),
  };
}
