import { Type, Duration, Size } from '../../sdk/index.ts';
import { ALGORITHMS } from './algorithms.ts';
import { HeaderName, IdentityHeader } from '../auth-common/header-schema.ts';

const Algorithm = Type.Union(
  ALGORITHMS.map((a) => Type.Literal(a)),
  { description: 'a JWS algorithm (none is never accepted)' },
);


export const schema = Type.Object(
  {
    algorithms: Type.Array(Algorithm, {
      minItems: 1,
      uniqueItems: true,
      default: [...ALGORITHMS],
      description:
        "algorithms a token may use; each key is also pinned to its own type (an RSA key never verifies HS256)",
    }),
    secret: Type.Optional(Type.String({ minLength: 1, description: 'HMAC secret for HS256/384/512 (should be at least as long as the hash: 32/48/64 bytes; shorter ones are warned about); use ${ENV}' })),
    public_key: Type.Optional(Type.String({ minLength: 1, description: 'PEM public key or certificate (RSA, EC or Ed25519)' })),
    key_id: Type.Optional(Type.String({ minLength: 1, description: 'kid of the static secret/public_key; when set, tokens for it must carry this kid' })),
    jwks_uri: Type.Optional(
      Type.String({ pattern: '^https?://[^\\s/?#]+', description: 'JWKS endpoint of the token issuer (e.g. https://issuer/.well-known/jwks.json)' }),
    ),
    jwks_min_refresh: Duration({ default: '30s', description: 'least time between JWKS refetches caused by an unknown kid' }),
    jwks_cache_ttl: Duration({ default: '10m', description: 'JWKS age after which it is refetched (the next token waits for the new set)' }),
    jwks_timeout: Duration({ default: '5s', description: 'timeout of one JWKS fetch' }),
    issuer: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
        description: 'accepted `iss` value(s); tokens from any other issuer are refused',
      }),
    ),
    audiences: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'the token `aud` must contain one of these' }),
    ),
    required_claims: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'claims every token must carry (e.g. [exp, sub])',
    }),
    clock_skew: Duration({ default: '5s', description: 'leeway for exp, nbf and iat; a bare number is seconds, like the claims' }),
    max_age: Type.Optional(Duration({ description: 'refuse tokens whose iat is older than this; a bare number is seconds, like the claims' })),
    header_names: Type.Array(HeaderName, {
      default: ['authorization'],
      description: 'headers carrying the token (`Bearer ` prefix; required in Authorization, optional elsewhere)',
    }),
    cookie_names: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'cookies carrying the token (off by default)' }),
    uri_param_names: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'query parameters carrying the token (off by default; the access log never shows the query)',
    }),
    claims_to_headers: Type.Record(Type.String({ minLength: 1 }), IdentityHeader, {
      default: { sub: 'X-User-ID', scope: 'X-Scopes' },
      description: 'claim → upstream header (scope falls back to scp; arrays joined with spaces); client copies are removed',
    }),
    consumer_claim: Type.String({
      default: 'sub',
      description: 'claim matched to a consumer (custom_id, then id, then username) when the key is not a consumer credential',
    }),
    hide_credentials: Type.Boolean({ default: false, description: 'remove the token from the request before it goes upstream' }),
    anonymous: Type.Optional(Type.String({ minLength: 1, description: 'consumer (username or id) to run as when no token is sent' })),
    max_token_size: Size({ default: '8kb', description: 'longer tokens are refused (401) without parsing' }),
    cache_size: Type.Integer({ minimum: 0, default: 10000, description: 'verified tokens remembered (never past exp); 0 disables' }),
    realm: Type.String({ default: 'portico', description: 'realm in the WWW-Authenticate: Bearer challenge' }),
  },
  {
    additionalProperties: false,
    description: 'Verify JWTs (JWS) from a static key, consumer credentials or a JWKS endpoint.',
  },
);

/** A consumer's JWT key: tokens it verifies authenticate that consumer. Matched by `iss` (or `kid`). */
export const credentialSchema = Type.Object(
  {
    issuer: Type.Optional(Type.String({ minLength: 1 })),
    key_id: Type.Optional(Type.String({ minLength: 1 })),
    algorithm: Algorithm,
    public_key: Type.Optional(Type.String({ minLength: 1 })),
    secret: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
