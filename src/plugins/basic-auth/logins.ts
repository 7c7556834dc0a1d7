import { randomBytes } from 'node:crypto';
import type { Consumer, PluginEnv } from '../../sdk/index.ts';
import { readCredentials } from '../auth-common/credentials.ts';
import { consumerIndex } from '../auth-common/identity.ts';
import { parseScrypt, verifyScrypt, SCRYPT_DEFAULT, type ScryptHash } from '../auth-common/secrets.ts';
import { credentials } from './schema.ts';

export interface Login {
  readonly consumer: Consumer;
  readonly credentialId: string;
  readonly hash: ScryptHash;
}

// Checked for unknown usernames so that they cost as much as known ones (no user enumeration by timing).
const DUMMY: ScryptHash = { ...SCRYPT_DEFAULT, salt: randomBytes(16), key: randomBytes(32) };

/** Basic-auth usernames → consumer and stored scrypt hash. */
export class Logins {
  private readonly byUser = new Map<string, Login>();

  constructor(env: PluginEnv) {
    const consumers = consumerIndex(env);
    for (const c of readCredentials(env, 'basic-auth', credentials)) {
      const { username, password_hash } = c.credential;
      const hash = parseScrypt(password_hash);
      if (typeof hash === 'string') throw new Error(`${c.where}.password_hash: ${hash}`);
      const other = this.byUser.get(username);
      if (other) throw new Error(`${c.where}.username: "${username}" is already a login of consumer ${other.consumer.username}`);
      this.byUser.set(username, {
        consumer: consumers.of(c.consumer),
        credentialId: `basic-auth:${username}`,
        hash,
      });
    }
  }

  /** The login when `password` is right; always runs one scrypt, known user or not. */
  async check(username: string, password: string): Promise<Login | undefined> {
    const login = this.byUser.get(username);
    const ok = await verifyScrypt(password, login?.hash ?? DUMMY);
    return ok ? login : undefined;
  }
}

/** `user:password` from a Basic credential (base64), or null when it does not decode to that shape. */
export function decodeBasic(b64: string): { username: string; password: string; pair: string } | null {
  if (b64.length === 0 || b64.length > 4096 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const pair = Buffer.from(b64, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon <= 0) return null;
  return { username: pair.slice(0, colon), password: pair.slice(colon + 1), pair };
}
