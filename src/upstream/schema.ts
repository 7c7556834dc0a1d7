import { Type } from '@sinclair/typebox';
import { Duration, Size } from '../sdk/schema.ts';
import { BALANCERS } from './balancer/index.ts';

/**
 * The traffic-management keys of services and routes (issue: load balancing, health, breakers, retries,
 * splits, discovery). Descriptions are the user documentation; config/schema.ts places these in the file schema.
 */

const Percent = (description: string, def?: string) =>
  Type.Union([Type.String({ pattern: '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$' }), Type.Number({ minimum: 0, maximum: 100 })], {
    description: `${description} (percent: "50%" or 50)`,
    ...(def === undefined ? {} : { default: def }),
  });

const Status = Type.Integer({ minimum: 100, maximum: 599 });

/** Timeouts of a service; `read` stays the default of first_byte and idle so older configs keep working. */
export const ServiceTimeoutsSchema = Type.Object(
  {
    connect: Duration({ default: '5s', description: 'TCP (and TLS) connect timeout' }),
    read: Duration({ default: '60s', description: 'default of first_byte and idle' }),
    first_byte: Type.Optional(Duration({ description: 'time from sending the request to the response headers (default: read)' })),
    idle: Type.Optional(Duration({ description: 'longest pause between response body chunks (default: read)' })),
    total: Type.Optional(Duration({ description: 'whole exchange, retries and backoff included; 0 or unset: none' })),
    queue: Duration({
      default: '10s',
      description: 'longest wait for a free connection when every pooled connection to the target is busy; then 503 with Retry-After',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** Route-level timeouts override the service's, key by key. */
export const RouteTimeoutsSchema = Type.Object(
  {
    connect: Type.Optional(Duration({ description: 'time to get a connection to the target' })),
    read: Type.Optional(Duration({ description: 'default of first_byte and idle' })),
    first_byte: Type.Optional(Duration({ description: 'time to the response headers' })),
    idle: Type.Optional(Duration({ description: 'longest pause between response body chunks' })),
    total: Type.Optional(Duration({ description: 'whole exchange, retries included' })),
    queue: Type.Optional(Duration({ description: 'longest wait for a free pooled connection (then 503)' })),
  },
  { additionalProperties: false, description: 'overrides the service timeouts for this route' },
);

export const BalancerSchema = Type.Union(
  BALANCERS.map((b) => Type.Literal(b)),
  { default: 'weighted-round-robin', description: 'how a target is picked among the healthy ones' },
);

export const HashOnSchema = Type.String({
  pattern: '^(ip|consumer|path|header:[!#$%&\'*+.^_`|~0-9A-Za-z-]+|cookie:[!#$%&\'*+.^_`|~0-9A-Za-z-]+)$',
  default: 'ip',
  description: 'consistent-hash key: ip | header:NAME | cookie:NAME | consumer | path (missing key → client IP)',
});

export const DiscoverySchema = Type.Object(
  {
    dns: Type.Optional(Type.String({ minLength: 1, description: 'DNS name resolved in the background' })),
    type: Type.Union([Type.Literal('A'), Type.Literal('AAAA'), Type.Literal('SRV')], {
      default: 'A',
      description: 'A/AAAA: addresses (TTL honoured); SRV: targets with their weights and ports',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 80, description: 'port for A/AAAA answers' }),
    scheme: Type.Union([Type.Literal('http'), Type.Literal('https')], { default: 'http' }),
    refresh: Duration({ default: '30s', description: 'longest time between resolutions (a shorter TTL wins)' }),
    nameservers: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'DNS servers (ip or ip:port); default: the system ones' }),
    ),
    file: Type.Optional(
      Type.String({ minLength: 1, description: 'JSON file of targets ([{url, weight}] or [url]), watched for changes' }),
    ),
  },
  { additionalProperties: false, description: 'where targets come from besides (or instead of) `targets`' },
);

export const HealthSchema = Type.Object(
  {
    active: Type.Optional(
      Type.Object(
        {
          type: Type.Union([Type.Literal('http'), Type.Literal('tcp')], { default: 'http' }),
          path: Type.String({ default: '/', pattern: '^/', description: 'probe path (http)' }),
          interval: Duration({ default: '5s', description: 'time between probes of a target' }),
          timeout: Duration({ default: '1s', description: 'a probe slower than this fails' }),
          healthy: Type.Integer({ minimum: 1, default: 2, description: 'passing probes in a row to mark healthy' }),
          unhealthy: Type.Integer({ minimum: 1, default: 3, description: 'failing probes in a row to mark unhealthy' }),
          statuses: Type.Array(Status, { minItems: 1, default: [200], description: 'statuses counted as passing' }),
        },
        { additionalProperties: false, description: 'probes each target in the background' },
      ),
    ),
    passive: Type.Optional(
      Type.Object(
        {
          consecutive_failures: Type.Integer({ minimum: 1, default: 5, description: 'failures in a row that eject a target' }),
          ejection: Duration({ default: '30s', description: 'first ejection; each next one doubles' }),
          max_ejection: Duration({ default: '5m', description: 'longest ejection' }),
          max_ejected_percent: Percent('never eject more than this share of targets', '50%'),
          statuses: Type.Array(Status, {
            default: [500, 502, 503, 504],
            description: 'upstream statuses counted as failures (connect errors, resets and timeouts always are)',
          }),
        },
        { additionalProperties: false, description: 'ejects targets that fail real requests (outlier detection)' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CircuitBreakerSchema = Type.Object(
  {
    failure_rate: Percent('failure share over the window that opens the breaker', '50%'),
    min_requests: Type.Integer({ minimum: 1, default: 20, description: 'requests in the window before it may open' }),
    window: Duration({ default: '10s', description: 'rolling window the failure rate is computed over' }),
    open_for: Duration({ default: '30s', description: 'how long it answers 503 before trying again' }),
    half_open_requests: Type.Integer({ minimum: 1, default: 3, description: 'trial requests; all succeed → closed' }),
    statuses: Type.Array(Status, { default: [500, 502, 503, 504], description: 'statuses counted as failures' }),
  },
  { additionalProperties: false, description: 'per service and per target' },
);

export const RetriesSchema = Type.Object(
  {
    attempts: Type.Integer({ minimum: 0, maximum: 5, default: 2, description: 'retries after the first try' }),
    on: Type.Array(Type.Union([Type.Union(['connect-failure', 'reset', 'timeout', '5xx'].map((k) => Type.Literal(k))), Status]), {
      default: ['connect-failure', 'reset', 'timeout', 502, 503, 504],
      description: 'what is retried: connect-failure | reset | timeout | 5xx | a status',
    }),
    backoff: Duration({ default: '50ms', description: 'base of the exponential backoff (full jitter)' }),
    max_backoff: Duration({ default: '1s', description: 'longest backoff' }),
    methods: Type.Array(Type.String({ pattern: '^[A-Z]+$' }), {
      default: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'],
      description: 'methods retried; others only on connect-failure (the request was never sent)',
    }),
    budget: Percent('retries allowed as a share of requests over 10s', '20%'),
    min_retries: Type.Integer({ minimum: 0, default: 3, description: 'retries always allowed per 10s, whatever the budget' }),
    buffer_body: Size({ default: '64kb', description: 'request bodies up to this size (by Content-Length) are buffered so they can be resent' }),
  },
  { additionalProperties: false },
);

export const SplitSchema = Type.Array(
  Type.Object(
    {
      name: Type.String({ minLength: 1 }),
      weight: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1 }),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, description: 'weighted split across services (canary); exclusive with `service`' },
);

export const StickySchema = Type.String({
  pattern: '^(consumer|cookie:[!#$%&\'*+.^_`|~0-9A-Za-z-]+)$',
  description: 'keep a user on one side of a split: cookie:NAME | consumer',
});

export const MirrorSchema = Type.Object(
  {
    service: Type.String({ minLength: 1 }),
    percent: Type.Number({ minimum: 0, maximum: 100, default: 100, description: 'share of requests copied' }),
  },
  { additionalProperties: false, description: 'copy requests to a service; its answer is ignored' },
);
