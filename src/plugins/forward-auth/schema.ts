import { Type, Duration } from '../../sdk/index.ts';
import { HeaderName, IdentityHeader, identityHeader } from '../auth-common/header-schema.ts';

export const schema = Type.Object(
  {
    url: Type.String({
      pattern: '^https?://[^\\s/?#]+',
      description: 'the auth service; it gets a GET with X-Forwarded-Method/-Uri/-Host/-Proto/-For and request_headers',
    }),
    request_headers: Type.Optional(
      Type.Array(HeaderName, {
        description: 'client request headers sent to the auth service; unset: all of them except hop-by-hop ones (as Traefik does)',
      }),
    ),
    response_headers: Type.Array(IdentityHeader, {
      default: [],
      description: 'headers of a 2xx auth answer copied onto the upstream request (e.g. X-User-ID, X-Roles); client copies are removed',
    }),
    scopes_header: identityHeader({
      default: 'X-Scopes',
      description: 'header of a 2xx auth answer listing the granted scopes (space or comma separated), checked by acl scopes',
    }),
    groups_header: identityHeader({
      default: 'X-Roles',
      description: 'header of a 2xx auth answer listing the caller\'s roles (space or comma separated), checked by acl allow/deny as groups',
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
      description: 'auth service down or slow: closed → 503; open → the request continues unauthenticated (as anonymous if set)',
    }),
    max_body_size: Type.Integer({ minimum: 0, default: 65536, description: 'largest refusal body relayed to the client, bytes' }),
    anonymous: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'consumer (username or id) to run as when the request carries none of request_headers (unset: Authorization, Cookie); the auth service is then not asked',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Ask an external auth service for every request (like Traefik ForwardAuth or Envoy ext_authz).',
  },
);
