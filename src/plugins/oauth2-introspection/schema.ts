import { Type, Duration } from '../../sdk/index.ts';

import { IdentityHeader } from '../auth-common/header-schema.ts';

export const schema = Type.Object(
  {
    introspection_url: Type.String({
      pattern: '^https?://[^\\s/?#]+',
      description: 'RFC 7662 introspection endpoint of the authorization server',
    }),
    client_id: Type.String({ minLength: 1, description: 'client id the gateway authenticates with (HTTP Basic)' }),
    client_secret: Type.String({ minLength: 1, description: 'client secret; use ${ENV}' }),
    token_type_hint: Type.String({ default: 'access_token', description: 'sent as token_type_hint' }),
    timeout: Duration({ default: '3s', description: 'timeout of one introspection call' }),
    cache_ttl: Duration({
      default: '60s',
      description: 'how long an answer is reused (never past the token exp); 0 asks on every request',
    }),
    fail: Type.Union([Type.Literal('closed'), Type.Literal('open')], {
      default: 'closed',
      description:
        'introspection endpoint down, slow or failing (5xx, 429, 408): closed → 503; open → the request continues unauthenticated (as anonymous if set) unless another auth plugin refuses it',
    }),
    claims_to_headers: Type.Record(Type.String({ minLength: 1 }), IdentityHeader, {
      default: { sub: 'X-User-ID', scope: 'X-Scopes', client_id: 'X-Client-ID' },
      description: 'introspection field → upstream header (arrays joined with spaces); client copies are removed',
    }),
    consumer_claim: Type.String({
      default: 'sub',
      description: 'field matched to a consumer (custom_id, then id, then username); falls back to client_id when absent',
    }),
    hide_credentials: Type.Boolean({ default: false, description: 'remove the Authorization header before the request goes upstream' }),
    anonymous: Type.Optional(Type.String({ minLength: 1, description: 'consumer (username or id) to run as when no token is sent' })),
    realm: Type.String({ default: 'portico', description: 'realm in the WWW-Authenticate: Bearer challenge' }),
  },
  {
    additionalProperties: false,
    description: 'Validate opaque bearer tokens with an OAuth 2.0 introspection endpoint (RFC 7662).',
  },
);
