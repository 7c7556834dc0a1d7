import { hash, type KeyObject } from 'node:crypto';
import { safeEqualText } from '../auth-common/secrets.ts';

/**
 * HMAC (RFC 2104) of a JWS signing input, as two one-shot `crypto.hash` calls over a pre-padded key.
 *
 * Why by hand: node:crypto's `createHmac` builds a stream object per call and has OpenSSL re-derive the
 * padded key and look the digest up again in its provider store three times (HMAC_Init_ex); that fixed
 * setup is most of an HS256 check on a ~300-byte token. `crypto.hash` uses a digest Node already fetched,
 * and the padded key blocks are made once per key here. The result is the same HMAC (tests compare it with
 * `createHmac` for every size and key length).
 */
export type HmacHash = 'sha256' | 'sha384' | 'sha512';

const BLOCK: Record<HmacHash, number> = { sha256: 64, sha384: 128, sha512: 128 };
const LENGTH: Record<HmacHash, number> = { sha256: 32, sha384: 48, sha512: 64 };

// Inner-hash input: key ⊕ ipad, then the message. One buffer for every key (filled per call, used
// synchronously), grown to the longest message seen; messages are capped by the plugin's max_token_size.
let scratch = Buffer.allocUnsafe(4096);

class HmacKey {
  private readonly ipad: Buffer;
  /** key ⊕ opad followed by room for the inner digest: the whole outer-hash input. */
  private readonly outer: Buffer;
  private readonly alg: HmacHash;

  constructor(secret: Buffer, alg: HmacHash) {
    this.alg = alg;
    const block = BLOCK[alg];
    const k = secret.length > block ? hash(alg, secret, 'buffer') : secret;
    this.ipad = Buffer.alloc(block, 0x36);
    this.outer = Buffer.alloc(block + LENGTH[alg], 0x5c); // the digest part is overwritten on every sign()
    for (let i = 0; i < k.length; i++) {
      this.ipad[i] = 0x36 ^ k[i]!;
      this.outer[i] = 0x5c ^ k[i]!;
    }
  }

  /** The MAC of `message` in base64url (a compact JWS signing input: ASCII, so latin-1 bytes = UTF-8 bytes). */
  sign(message: string): string {
    const block = this.ipad.length;
    const need = block + message.length;
    if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
    this.ipad.copy(scratch, 0);
    const n = scratch.write(message, block, 'latin1');
    // The inner digest as a latin-1 ("binary") string, one char per byte: a string result costs a third of a Buffer.
    this.outer.write(hash(this.alg, scratch.subarray(0, block + n), 'binary'), block, 'latin1');
    return hash(this.alg, this.outer, 'base64url');
  }
}

const keys = new WeakMap<KeyObject, Partial<Record<HmacHash, HmacKey>>>();

/** The pre-padded form of a secret KeyObject for `alg`, made on first use and kept with the key. */
export function hmacKey(key: KeyObject, alg: HmacHash): HmacKey {
  let byAlg = keys.get(key);
  if (byAlg === undefined) keys.set(key, (byAlg = {}));
  return (byAlg[alg] ??= new HmacKey(key.export(), alg));
}

/** Whether `signature` (base64url, as in the token) is the HMAC of `message`, compared in constant time. */
export function hmacMatches(key: KeyObject, alg: HmacHash, message: string, signature: string): boolean {
  return safeEqualText(hmacKey(key, alg).sign(message), signature);
}
