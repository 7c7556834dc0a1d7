import { Type, Duration } from '../../sdk/index.ts';

const HeaderName = Type.String({ minLength: 1, pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' });

export const schema = Type.Object(
  {
    url: Type.String({
      pattern: '^https?://[^\\s/?#]+',
      description: 'the auth service; it gets a GET with X-Forwarded-Method/-Uri/-Host/-Proto/-For and request_headers',
    }),
    request_headers: Type.Array(HeaderName, {
      default: ['Authorization', 'Cookie'],
      description: 'client request headers sent to the auth service',
    }),
    response_headers: Type.Array(HeaderName, {
      default: [],
      description: 'headers of a 2xx auth answer copied onto the upstream request (e.g. X-User-ID, X-Roles); client copies are removed',
    }),
    consumer_header: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'auth answer header naming the caller; matched to a consumer (custom_id, id, username) or used as-is',
      }),
    ),
    timeout: Duration({ default: '5s', description: 'timeout of one auth call' }),
    fail: Type.Union([Type.Literal('closed'), Type.Literal('open')], {
      default: 'closed',
      description: 'auth service down or slow: closed → 503; open → the request continues',
    }),
    max_body_size: Type.Integer({ minimum: 0, default: 65536, description: 'largest refusal body relayed to the client, bytes' }),
    anonymous: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'consumer (username or id) to run as when the request carries none of request_headers (the auth service is then not asked)',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Ask an external auth service for every request (like Traefik ForwardAuth or Envoy ext_authz).',
  },
);
