import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { algorithmsForKey, verifySignature } from './algorithms.ts';
import { pin, secretKey, pemKey, jwkEntry } from './keys.ts';
import { ALGORITHMS } from './algorithms.ts';

const ALL = new Set(ALGORITHMS);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

test('each key type serves only its own algorithm family', () => {
  assert.deepEqual(algorithmsForKey(rsa.publicKey), ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
  assert.deepEqual(algorithmsForKey(ec.publicKey), ['ES256']);
  assert.deepEqual(algorithmsForKey(ed.publicKey), ['EdDSA', 'Ed25519']);
  assert.deepEqual(algorithmsForKey(secretKey('s'.repeat(64))), ['HS256', 'HS384', 'HS512']);
});

test('pin: declared algorithms must fit the key; small RSA keys are refused; any secret serves HS*', () => {
  assert.deepEqual([...pin(rsa.publicKey, 'RS256', ALL)], ['RS256']);
  assert.throws(() => pin(rsa.publicKey, 'HS256', ALL), /HS256 cannot be used with a rsa key/);
  assert.throws(() => pin(ec.publicKey, 'ES384', ALL), /ES384 cannot be used/);
  assert.deepEqual([...pin(secretKey('short'), undefined, ALL)], ['HS256', 'HS384', 'HS512'], 'short secrets are warned about, not refused');
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  assert.throws(() => pin(small.publicKey, undefined, ALL), /at least 2048 bits/);
  assert.throws(() => pin(ed.publicKey, undefined, new Set(['RS256'] as const)), /none of which/);
});

test('key confusion: an HMAC over the RSA public key PEM never verifies against the RSA key', () => {
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const input = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0';
  const forged = createHmac('sha256', pem).update(input).digest('base64url');
  const entry = pemKey(pem);
  assert.equal(pin(entry, undefined, ALL).has('HS256'), false);
  assert.equal(verifySignature('RS256', entry, input, forged), false);
});

test('verifySignature: RS, PS, ES (IEEE P1363) and EdDSA', () => {
  const input = 'header.payload';
  const u = (b: Buffer) => b.toString('base64url');
  assert.ok(verifySignature('RS256', rsa.publicKey, input, u(cryptoSign('sha256', Buffer.from(input), rsa.privateKey))));
  const ps = cryptoSign('sha384', Buffer.from(input), { key: rsa.privateKey, padding: 6, saltLength: 48 });
  assert.ok(verifySignature('PS384', rsa.publicKey, input, u(ps)));
  const es = cryptoSign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
  assert.ok(verifySignature('ES256', ec.publicKey, input, u(es)));
  const der = cryptoSign('sha256', Buffer.from(input), ec.privateKey);
  assert.equal(verifySignature('ES256', ec.publicKey, input, u(der)), false, 'DER signatures are not JWS');
  assert.ok(verifySignature('EdDSA', ed.publicKey, input, u(cryptoSign(null, Buffer.from(input), ed.privateKey))));
});

test('verifySignature: HS256/384/512 equal createHmac for short, block-sized and long secrets and messages', () => {
  for (const [alg, hash] of [['HS256', 'sha256'], ['HS384', 'sha384'], ['HS512', 'sha512']] as const) {
    for (const secretLength of [64, 127, 128, 129, 300]) {
      const secret = Buffer.alloc(secretLength);
      for (let i = 0; i < secretLength; i++) secret[i] = (i * 7 + secretLength) & 0xff;
      const key = secretKey(secret.toString('latin1'));
      const raw = key.export();
      for (const length of [0, 1, 55, 64, 119, 1000, 9000]) {
        const input = 'a.'.repeat(length).slice(0, length);
        const sig = createHmac(hash, raw).update(input).digest('base64url');
        assert.ok(verifySignature(alg, key, input, sig), `${alg} secret ${secretLength} message ${length}`);
        const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
        assert.equal(verifySignature(alg, key, input, flipped), false);
        assert.equal(verifySignature(alg, key, input, sig.slice(0, -1)), false, 'a shorter signature');
        assert.equal(verifySignature(alg, key, `${input}x`, sig), false, 'another message');
      }
    }
  }
});

test('jwkEntry: public members only, alg and use respected', () => {
  const jwk = rsa.privateKey.export({ format: 'jwk' });
  const e = jwkEntry({ ...jwk, kid: 'k', alg: 'PS256' }, ALL);
  assert.ok(typeof e !== 'string');
  assert.equal(e.key.type, 'public');
  assert.deepEqual([...e.algs], ['PS256']);
  assert.match(jwkEntry({ ...jwk, use: 'enc' }, ALL) as string, /use/);
  assert.match(jwkEntry({ ...jwk, alg: 'HS256' }, ALL) as string, /HS256 cannot be used/);
  assert.ok(typeof jwkEntry({ kty: 'oct', k: Buffer.from('short').toString('base64url') }, ALL) !== 'string');
});
