import { Type, Duration } from '../../sdk/index.ts';

/** A key part: what requests are counted by. */
export const KEY_PART_PATTERN =
  "^(ip|consumer|credential|route|service|global|header:[A-Za-z0-9!#$%&'*+.^_`|~-]+|claim:\\S+|path_param:[A-Za-z_][A-Za-z0-9_]*)$";

const Limit = Type.Object(
  {
    limit: Type.Integer({
      minimum: 1,
      description: 'requests allowed per window (for token-bucket and leaky-bucket: the rate, limit/window)',
    }),
    window: Duration({ description: 'the window: 1s, 1m, 1h, 1d, 30d (windows are aligned to the Unix epoch, UTC)' }),
    burst: Type.Optional(
      Type.Integer({ minimum: 0, description: 'this limit’s own burst, overriding the plugin-level `burst`' }),
    ),
  },
  { additionalProperties: false },
);

export const schema = Type.Object(
  {
    limits: Type.Array(Limit, {
      minItems: 1,
      maxItems: 16,
      description: 'the limits; a request must fit every one of them (e.g. 10/s and 1000/h, or a 1d quota)',
    }),
    algorithm: Type.Union(
      [
        Type.Literal('fixed-window'),
        Type.Literal('sliding-window'),
        Type.Literal('token-bucket'),
        Type.Literal('leaky-bucket'),
      ],
      {
        default: 'sliding-window',
        description:
          'fixed-window: count per aligned window; sliding-window: previous window weighted by overlap + current; ' +
          'token-bucket: refills at limit/window up to `burst` tokens; leaky-bucket: GCRA, one request per window/limit ' +
          'plus a queue of `burst`',
      },
    ),
    burst: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'token-bucket: bucket capacity, requests that may arrive at once (default: limit); leaky-bucket: queue size, ' +
          'requests accepted ahead of the steady rate (default 0, as nginx limit_req)',
      }),
    ),
    key: Type.Array(
      Type.String({
        pattern: KEY_PART_PATTERN,
        description: 'ip, consumer, credential, route, service, global, header:NAME, claim:NAME or path_param:NAME',
      }),
      {
      minItems: 1,
      maxItems: 8,
      default: ['consumer'],
      description:
        'what requests are counted by, composed: any of ip, consumer, credential, route, service, global, ' +
        'header:NAME, claim:NAME, path_param:NAME. A part with no value (anonymous, missing header or claim) uses the client IP',
    }),
    store: Type.Union([Type.Literal('memory'), Type.Literal('redis')], {
      default: 'memory',
      description: 'memory: per process; redis: shared by every process and machine (top-level `store.redis`)',
    }),
    on_store_error: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('local')], {
      default: 'open',
      description:
        'when the redis store fails or is cooling down: open lets requests pass, closed answers 503, ' +
        'local counts in this process instead',
    }),
    delay: Type.Boolean({
      default: false,
      description: 'leaky-bucket only: delay requests to the steady rate (up to max_delay) instead of refusing them',
    }),
    max_delay: Duration({ default: '1s', description: 'with delay: the longest a request is held; longer → 429' }),
    hide_client_headers: Type.Boolean({
      default: false,
      description: 'do not send RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (Retry-After is still sent on 429)',
    }),
    message: Type.String({
      default: 'API rate limit exceeded',
      description: 'message in the 429 JSON error body',
    }),
  },
  {
    additionalProperties: false,
    description: 'Limit request rates and quotas per consumer, IP, route, header, claim… in memory or in Redis.',
  },
);
