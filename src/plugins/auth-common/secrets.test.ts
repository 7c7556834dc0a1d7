import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashScrypt, parseScrypt, verifyScrypt, sha256Hex, safeEqualText, sha256Key, tokenKeyOn } from './secrets.ts';
import { TtlCache } from './cache.ts';
import { scopesOf } from './claims.ts';
import { afterScheme, withoutQueryParams, withoutCookies, bearerChallenge } from './request.ts';

test('scrypt: hash, parse and verify; malformed hashes are explained', async () => {
  const h = await hashScrypt('pw', { N: 1024, r: 8, p: 1 });
  assert.match(h, /^scrypt\$N=1024,r=8,p=1\$[\w-]+\$[\w-]+$/);
  const parsed = parseScrypt(h);
  assert.ok(typeof parsed !== 'string');
  assert.equal(await verifyScrypt('pw', parsed), true);
  assert.equal(await verifyScrypt('pW', parsed), false);
  assert.match(parseScrypt('bcrypt$2b$...') as string, /hash-secret/);
  assert.match(parseScrypt('scrypt$N=1000,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5') as string, /power of two/);
});

test('sha256Hex is what key_sha256 stores', () => {
  assert.equal(sha256Hex('test'), '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
});

test('tokenKeyOn: the key of exactly this token, remembered per connection', () => {
  const conn = {};
  const other = {};
  const seq = ['token-a', 'token-a', 'token-b', 'token-', 'token-a ', '', 'token-a'];
  for (const t of seq) assert.equal(tokenKeyOn(conn, t), sha256Key(t), t);
  assert.equal(tokenKeyOn(other, 'token-b'), sha256Key('token-b'));
  assert.equal(tokenKeyOn(conn, 'token-a'), sha256Key('token-a'));
  assert.equal(tokenKeyOn(null, 'token-c'), sha256Key('token-c'));
  assert.notEqual(sha256Key('token-a'), sha256Key('token-b'));
});

test('TtlCache: expiry and a size bound (oldest out first)', () => {
  const c = new TtlCache<number>(2);
  c.set('a', 1, 100, 0);
  c.set('b', 2, 100, 0);
  c.set('c', 3, 100, 0);
  assert.equal(c.get('a', 0), undefined);
  assert.equal(c.get('b', 0), 2);
  assert.equal(c.get('b', 100), undefined);
  c.set('d', 4, 5, 10); // already expired: not stored
  assert.equal(c.get('d', 0), undefined);
});

test('request helpers', () => {
  assert.equal(afterScheme('Bearer abc', 'bearer'), 'abc');
  assert.equal(afterScheme('bearer  abc ', 'bearer'), 'abc');
  assert.equal(afterScheme('Basic abc', 'bearer'), undefined);
  assert.equal(afterScheme('Bearerabc', 'bearer'), undefined);
  assert.equal(afterScheme('BEARER abc', 'bearer'), 'abc');
  assert.equal(afterScheme('Bea\u0152er abc', 'bearer'), undefined, 'no case folding beyond ASCII letters');
  assert.equal(afterScheme('B@arer abc', 'bearer'), undefined);
  assert.equal(withoutQueryParams('a=1&token=x&b=2&token=y', new Set(['token'])), 'a=1&b=2');
  assert.equal(withoutQueryParams('to%6Ben=x&c=3', new Set(['token'])), 'c=3');
  assert.equal(withoutCookies('a=1; session=x;b=2', new Set(['session'])), 'a=1; b=2');
  assert.equal(bearerChallenge('r', 'invalid', 'bad "x"\r\n\u2713'), 'Bearer realm="r", error="invalid_token", error_description="bad x"');
});

test('safeEqualText: equal only for the same characters and length', () => {
  assert.equal(safeEqualText('abc', 'abc'), true);
  assert.equal(safeEqualText('', ''), true);
  assert.equal(safeEqualText('abc', 'abd'), false);
  assert.equal(safeEqualText('abc', 'Abc'), false);
  assert.equal(safeEqualText('abc', 'abcd'), false);
  assert.equal(safeEqualText('a\u0100', 'a\u0000'), false, 'differences above 0xff count');
});

test('scopesOf: scope split on spaces, scp as array or string, frozen results', () => {
  assert.deepEqual(scopesOf({ scope: 'read  write' }), ['read', 'write']);
  assert.equal(scopesOf({ scope: 'a b' }), scopesOf({ scope: 'a b' }), 'a repeated scope string is split once');
  assert.deepEqual(scopesOf({ scp: ['a', 1, 'b'] }), ['a', 'b']);
  assert.deepEqual(scopesOf({ scp: 'x y' }), ['x', 'y']);
  assert.deepEqual(scopesOf({}), []);
  assert.ok(Object.isFrozen(scopesOf({ scope: 'q' })));
  for (let i = 0; i < 3000; i++) scopesOf({ scope: `s${i}` });
  assert.deepEqual(scopesOf({ scope: 'after fill' }), ['after', 'fill'], 'still right after the cache was cleared');
});
