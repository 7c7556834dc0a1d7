import { Type, type CredentialSpec } from '../../sdk/index.ts';
import { sha256Hex } from '../auth-common/secrets.ts';

export const schema = Type.Object(
  {
    key_names: Type.Array(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }), {
      minItems: 1,
      default: ['apikey', 'x-api-key'],
      description: 'header names (and query parameter names, unless key_in_query is false) that carry the API key',
    }),
    key_in_header: Type.Boolean({ default: true, description: 'look for the key in the key_names headers' }),
    key_in_query: Type.Boolean({
      default: true,
      description:
        'also accept the key as a query parameter (?apikey=...), as Kong does; query strings end up in browser history and proxy logs: set false to accept headers only, or hide_credentials to keep it from the upstream',
    }),
    hide_credentials: Type.Boolean({ default: false, description: 'remove the key from the request before it goes upstream' }),
    anonymous: Type.Optional(
      Type.String({ minLength: 1, description: 'consumer (username or id) to run as when no key is sent' }),
    ),
    realm: Type.String({ default: 'portico', description: 'realm in the WWW-Authenticate: Key challenge' }),
  },
  {
    additionalProperties: false,
    description: 'Authenticate consumers by API key (consumer credentials `key-auth: [{ key }]` or `[{ key_sha256 }]`).',
  },
);

/** A consumer's key: the plain key (e.g. from `${ENV}`) or its SHA-256 from `portico hash-secret`. */
export const credentialSchema = Type.Object(
  {
    key: Type.Optional(Type.String({ minLength: 1 })),
    key_sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  },
  { additionalProperties: false },
);

/** Checked by the loader for every `key-auth` credential in the file. */
export const credentials: CredentialSpec<typeof credentialSchema> = {
  schema: credentialSchema,
  check: (c) => ((c.key === undefined) === (c.key_sha256 === undefined) ? { field: '', message: 'set exactly one of key or key_sha256' } : undefined),
  // A plain key and the digest of the same key are the same credential.
  unique: (c) =>
    c.key !== undefined
      ? { value: sha256Hex(c.key), field: 'key', what: 'key' }
      : c.key_sha256 !== undefined
        ? { value: c.key_sha256.toLowerCase(), field: 'key_sha256', what: 'key' }
        : undefined,
};
