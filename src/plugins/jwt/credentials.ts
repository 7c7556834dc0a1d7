import type { CredentialSpec } from '../../sdk/index.ts';
import { ALGORITHMS } from './algorithms.ts';
import { pemKey, pin, secretKey } from './keys.ts';
import { credentialSchema } from './schema.ts';
import { shortSecret } from './warnings.ts';

const ALL = new Set(ALGORITHMS);

/**
 * A consumer's jwt credential: checked by the loader where it stands in the file, and again by every jwt
 * instance that reads it. The key must import and be able to serve its algorithm (or, without one, some
 * algorithm); whether a route's `algorithms` allow it is the route's business.
 */
export const credentials: CredentialSpec<typeof credentialSchema> = {
  schema: credentialSchema,
  check(c) {
    if ((c.public_key === undefined) === (c.secret === undefined)) return { field: '', message: 'set exactly one of public_key or secret' };
    if (c.issuer === undefined && c.key_id === undefined) {
      return { field: '', message: 'set issuer (matched to iss) or key_id (matched to kid)' };
    }
    try {
      const key = c.secret !== undefined ? secretKey(c.secret) : pemKey(c.public_key!);
      try {
        pin(key, c.algorithm, ALL);
      } catch (err) {
        return { field: c.algorithm !== undefined ? 'algorithm' : c.secret !== undefined ? 'secret' : 'public_key', message: (err as Error).message };
      }
    } catch (err) {
      return { field: 'public_key', message: (err as Error).message };
    }
    return undefined;
  },
  warn(c) {
    if (c.secret === undefined) return undefined;
    const w = shortSecret(c.secret, c.algorithm !== undefined ? [c.algorithm] : ['HS256', 'HS384', 'HS512']);
    return w === undefined ? undefined : { field: 'secret', message: w };
  },
};
