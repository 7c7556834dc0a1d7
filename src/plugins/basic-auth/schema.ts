import { Type, Duration, type CredentialSpec } from '../../sdk/index.ts';
import { parseScrypt } from '../auth-common/secrets.ts';

export const schema = Type.Object(
  {
    realm: Type.String({ default: 'portico', description: 'realm in the WWW-Authenticate: Basic challenge' }),
    hide_credentials: Type.Boolean({
      default: false,
      description: 'remove the Authorization header before the request goes upstream',
    }),
    anonymous: Type.Optional(
      Type.String({ minLength: 1, description: 'consumer (username or id) to run as when no credentials are sent' }),
    ),
    cache_ttl: Duration({
      default: '60s',
      description: 'how long a verified username/password pair skips the (deliberately slow) scrypt check; 0 disables',
    }),
  },
  {
    additionalProperties: false,
    description: 'HTTP Basic authentication against consumer credentials `basic-auth: [{ username, password_hash }]`.',
  },
);

/** A consumer's login: `password_hash` is the `scrypt$...` line printed by `portico hash-secret`. */
export const credentialSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, pattern: '^[^:]+$' }),
    password_hash: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

/** Checked by the loader for every `basic-auth` credential in the file. */
export const credentials: CredentialSpec<typeof credentialSchema> = {
  schema: credentialSchema,
  check(c) {
    const hash = parseScrypt(c.password_hash);
    return typeof hash === 'string' ? { field: 'password_hash', message: hash } : undefined;
  },
  unique: (c) => ({ value: c.username, field: 'username', what: 'username' }),
};
