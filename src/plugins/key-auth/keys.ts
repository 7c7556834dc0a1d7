import { hash } from 'node:crypto';
import type { Consumer, PluginEnv } from '../../sdk/index.ts';
import { readCredentials } from '../auth-common/credentials.ts';
import { consumerIndex } from '../auth-common/identity.ts';
import { safeEqualText } from '../auth-common/secrets.ts';
import { credentials } from './schema.ts';

export interface KeyEntry {
  readonly consumer: Consumer;
  /** `key-auth:<username>:<index>`: names the credential without revealing it. */
  readonly credentialId: string;
  /** SHA-256 of the key, base64. */
  readonly digest: string;
}

/**
 * Every consumer's key, by SHA-256. Only digests are kept in memory; a lookup hashes the presented key
 * (O(1) map lookup) and confirms with a constant-time compare of the digests.
 */
export class KeyIndex {
  private readonly byDigest = new Map<string, KeyEntry>();

  constructor(env: PluginEnv) {
    const consumers = consumerIndex(env);
    for (const c of readCredentials(env, 'key-auth', credentials)) {
      const { key, key_sha256 } = c.credential;
      const digest = key !== undefined ? hash('sha256', key, 'buffer') : Buffer.from(key_sha256!, 'hex');
      const k = digest.toString('base64');
      const other = this.byDigest.get(k);
      if (other) throw new Error(`${c.where}: the same key is already used by consumer ${other.consumer.username}`);
      this.byDigest.set(k, {
        consumer: consumers.of(c.consumer),
        credentialId: `key-auth:${c.consumer.username}:${c.index}`,
        digest: k,
      });
    }
  }

  get size(): number {
    return this.byDigest.size;
  }

  find(key: string): KeyEntry | undefined {
    // One-shot digest straight to the map's key form (a string result: no Buffer per request).
    const b64 = hash('sha256', key, 'base64');
    const e = this.byDigest.get(b64);
    return e !== undefined && safeEqualText(e.digest, b64) ? e : undefined;
  }
}
