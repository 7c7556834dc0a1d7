import { Type, type Static } from '@sinclair/typebox';
import { Duration, Size } from '../sdk/schema.ts';
import * as T from '../upstream/schema.ts';

export const ServiceTimeoutsSchema = T.ServiceTimeoutsSchema;

/**
 * The configuration file, as users write it. Descriptions are the user documentation. `plugins` maps are
 * validated per plugin against that plugin's own schema (see validate.ts), so here they are open records.
 */
const Name = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._~-]*$' });
const PluginMap = Type.Record(Type.String(), Type.Unknown(), {
  description: 'plugin name → plugin config; narrowest scope wins (consumer > route > service > global)',
  default: {},
});
const HttpUrl = Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', description: 'http(s)://host[:port][/path]' });

export const ListenSchema = Type.Object(
  {
    address: Type.String({ pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^\\s:]*):\\d{1,5}$', description: 'host:port' }),
  },
  { additionalProperties: false },
);

export const TargetSchema = Type.Object(
  {
    url: HttpUrl,
    weight: Type.Integer({ minimum: 0, maximum: 65535, default: 1 }),
  },
  { additionalProperties: false },
);

export const ServiceSchema = Type.Object(
  {
    name: Name,
    url: Type.Optional(HttpUrl),
    targets: Type.Optional(Type.Array(TargetSchema, { minItems: 1 })),
    discovery: Type.Optional(T.DiscoverySchema),
    balancer: T.BalancerSchema,
    hash_on: T.HashOnSchema,
    health: Type.Optional(T.HealthSchema),
    circuit_breaker: Type.Optional(T.CircuitBreakerSchema),
    max_concurrent_requests: Type.Optional(Type.Integer({ minimum: 1, description: 'more in flight → 503 at once' })),
    retries: Type.Optional(T.RetriesSchema),
    timeouts: ServiceTimeoutsSchema,
    plugins: PluginMap,
  },
  { additionalProperties: false },
);

const PathPattern = Type.String({
  minLength: 1,
  description: 'prefix (/v1/users), exact (=/v1/health), templated (/v1/users/{id}) or regex (~^/v[0-9]+/items$)',
});

export const RouteSchema = Type.Object(
  {
    name: Name,
    paths: Type.Array(PathPattern, { minItems: 1 }),
    methods: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]+$' }), { minItems: 1 })),
    hosts: Type.Optional(Type.Array(Type.String({ pattern: '^(\\*\\.)?[A-Za-z0-9.-]+(:\\d+)?$' }), { minItems: 1 })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'header → exact value' })),
    query: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'query param → exact value' })),
    strip_path: Type.Boolean({ default: true, description: 'remove the matched prefix before forwarding' }),
    preserve_host: Type.Boolean({ default: false, description: "send the client's Host upstream" }),
    priority: Type.Optional(Type.Integer({ description: 'explicit priority; higher wins over every implicit rule' })),
    service: Type.Optional(Name),
    services: Type.Optional(T.SplitSchema),
    sticky: Type.Optional(T.StickySchema),
    mirror: Type.Optional(T.MirrorSchema),
    timeouts: Type.Optional(T.RouteTimeoutsSchema),
    plugins: PluginMap,
  },
  { additionalProperties: false },
);

export const ConsumerSchema = Type.Object(
  {
    // Any printable name (e-mail addresses, "Bob Smith"), as in Kong; no "/" (it names the consumer in admin
    // paths), no control characters, no space at either end (HTTP trims it: "alice " would pass as alice).
    username: Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: '^[^\\s/\\x00-\\x1f\\x7f-\\x9f](?:[^/\\x00-\\x1f\\x7f-\\x9f]*[^\\s/\\x00-\\x1f\\x7f-\\x9f])?$',
    }),
    id: Type.String({ minLength: 1, maxLength: 256, description: 'X-Consumer-ID; defaults to the username' }),
    custom_id: Type.Optional(Type.String()),
    groups: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    // One token each (X-Scopes joins them with spaces; acl compares whole tokens).
    scopes: Type.Array(Type.String({ minLength: 1, pattern: '^[^\\s,\\x00-\\x1f\\x7f]+$' }), {
      default: [],
      description: 'scopes this consumer has when it authenticates with an API key or password (acl scopes); tokens carry their own',
    }),
    credentials: Type.Record(Type.String(), Type.Array(Type.Record(Type.String(), Type.Unknown())), {
      default: {},
      description: 'auth plugin name → list of credentials; each auth plugin validates its own',
    }),
    plugins: PluginMap,
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    listen: Type.Array(ListenSchema, { minItems: 1, default: [{ address: '127.0.0.1:8080' }] }),
    admin: Type.Object(
      {
        listen: Type.Union([Type.String({ pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^\\s:]*):\\d{1,5}$' }), Type.Literal('off')], {
          default: '127.0.0.1:8001',
        }),
        token: Type.String({ default: '', description: 'when set, admin requires Authorization: Bearer <token>' }),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
        access: Type.String({ minLength: 1, default: 'stdout', description: 'stdout | stderr | FILE | off' }),
      },
      { additionalProperties: false, default: {} },
    ),
    trusted_proxies: Type.Array(Type.String(), {
      default: [],
      description: 'CIDRs whose X-Forwarded-For is believed for the client IP',
    }),
    max_body_size: Size({ default: '10mb', description: 'largest request body; larger → 413' }),
    max_header_size: Size({
      default: '256kb',
      description: 'largest request head; larger → 431 (room for large bearer tokens, which auth plugins then judge with 401)',
    }),
    max_headers: Type.Integer({ minimum: 1, default: 100, description: 'most request headers; more → 400' }),
    max_uri_length: Size({ default: '8kb', description: 'longest request target; longer → 414' }),
    header_timeout: Duration({ default: '10s', description: 'time to receive the request head' }),
    request_timeout: Duration({ default: '60s', description: 'time to receive the whole request' }),
    keep_alive_timeout: Duration({ default: '60s', description: 'idle time before a keep-alive socket is closed' }),
    shutdown_timeout: Duration({ default: '30s', description: 'how long SIGTERM waits for in-flight requests' }),
    metrics: Type.Object(
      {
        consumer_label: Type.Boolean({
          default: false,
          description: 'also label portico_requests_total by consumer (off by default: one series per consumer)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    store: Type.Object(
      {
        redis: Type.Object(
          {
            url: Type.Optional(
              Type.String({
                pattern: '^rediss?://',
                description: 'redis://[user:pass@]host:port[/db] (rediss:// for TLS); default: $REDIS_URL, else redis://127.0.0.1:6379',
              }),
            ),
            prefix: Type.String({ default: 'portico:', description: 'prefix of every key Portico writes' }),
            timeout: Duration({ default: '50ms', description: 'longest wait for a store call before on_store_error applies' }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {}, description: 'shared state for plugins (rate limiting with store: redis)' },
    ),
    services: Type.Array(ServiceSchema, { default: [] }),
    routes: Type.Array(RouteSchema, { default: [] }),
    consumers: Type.Array(ConsumerSchema, { default: [] }),
    plugins: PluginMap,
  },
  { additionalProperties: false },
);

export type Portico = Static<typeof ConfigSchema>;
export type ServiceConfig = Static<typeof ServiceSchema>;
export type RouteConfig = Static<typeof RouteSchema>;
export type ConsumerConfig = Static<typeof ConsumerSchema>;
export type TargetConfig = Static<typeof TargetSchema>;
