import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClaims, parseJwt, type ClaimRules } from './token.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (h: unknown, p: unknown, s = 'c2ln') => `${b64(h)}.${b64(p)}.${s}`;

test('parseJwt: splits, decodes and refuses what must never verify', () => {
  const p = parseJwt(jwt({ alg: 'HS256', kid: 'k' }, { sub: 'x' }));
  assert.ok(typeof p !== 'string');
  assert.equal(p.alg, 'HS256');
  assert.equal(p.kid, 'k');
  assert.deepEqual(p.payload, { sub: 'x' });
  assert.equal(p.signature, 'c2ln');
  assert.equal(parseJwt('a.b'), 'malformed token');
  assert.equal(parseJwt('a.b.c.d'), 'malformed token');
  assert.equal(parseJwt('a b.c.d'), 'malformed token');
  assert.equal(parseJwt(jwt({ alg: 'none' }, {}, '')), 'alg none is never accepted');
  assert.equal(parseJwt(jwt({ alg: 'nOnE' }, {}, '')), 'alg none is never accepted');
  assert.equal(parseJwt(jwt({ alg: 'HS256', crit: ['b64'], b64: false }, {})), 'unsupported critical header');
  assert.equal(parseJwt(jwt({ alg: 'HS256', kid: 7 }, {})), 'kid is not a string');
  assert.equal(parseJwt(jwt({ typ: 'JWT' }, {})), 'token header has no alg');
  assert.equal(parseJwt(jwt({ alg: 'HS256' }, [1])), 'malformed token payload');
  assert.equal(parseJwt(`${b64({ alg: 'HS256' })}.bm90IGpzb24.c2ln`), 'malformed token payload');
});

const rules = (r: Partial<ClaimRules> = {}): ClaimRules => ({ issuers: null, audiences: null, required: [], skew: 30, maxAge: null, ...r });
const NOW = 1_700_000_000;

test('checkClaims: exp, nbf and iat with clock skew', () => {
  assert.equal(checkClaims({ exp: NOW + 1 }, rules(), NOW), null);
  assert.equal(checkClaims({ exp: NOW - 10 }, rules(), NOW), null, 'within skew');
  assert.equal(checkClaims({ exp: NOW - 31 }, rules(), NOW), 'token expired');
  assert.equal(checkClaims({ exp: String(NOW + 100) }, rules(), NOW), 'exp is not a number', 'a non-numeric exp is not trusted');
  assert.equal(checkClaims({ nbf: NOW + 31 }, rules(), NOW), 'token not yet valid');
  assert.equal(checkClaims({ nbf: NOW + 29 }, rules(), NOW), null);
  assert.equal(checkClaims({ iat: NOW + 60 }, rules(), NOW), 'token issued in the future');
});

test('checkClaims: iss, aud (string or array), required claims, max_age', () => {
  const r = rules({ issuers: new Set(['a']), audiences: new Set(['x', 'y']), required: ['sub'], maxAge: 60 });
  const ok = { iss: 'a', aud: ['z', 'y'], sub: 's', iat: NOW - 10 };
  assert.equal(checkClaims(ok, r, NOW), null);
  assert.equal(checkClaims({ ...ok, iss: 'b' }, r, NOW), 'wrong issuer');
  assert.equal(checkClaims({ ...ok, aud: 'z' }, r, NOW), 'wrong audience');
  assert.equal(checkClaims({ ...ok, aud: undefined }, r, NOW), 'wrong audience');
  assert.equal(checkClaims({ ...ok, sub: undefined }, r, NOW), 'missing claim sub');
  assert.equal(checkClaims({ ...ok, iat: NOW - 100 }, r, NOW), 'token too old (max_age)');
  assert.equal(checkClaims({ ...ok, iat: undefined }, r, NOW), 'token has no iat (max_age needs it)');
});

test('header segments are checked the same when repeated and after the header cache fills', () => {
  const payload = b64({ sub: 'u' });
  const none = `${b64({ alg: 'none' })}.${payload}.`;
  for (let round = 0; round < 2; round++) assert.equal(parseJwt(none), 'alg none is never accepted');
  for (let i = 0; i < 600; i++) {
    const p = parseJwt(`${b64({ alg: 'HS256', kid: `k${i}` })}.${payload}.c2ln`);
    assert.ok(typeof p !== 'string' && p.kid === `k${i}` && p.alg === 'HS256');
  }
  assert.equal(parseJwt(none), 'alg none is never accepted');
  assert.equal(parseJwt(`${b64({ alg: 'HS256', kid: 7 })}.${payload}.c2ln`), 'kid is not a string');
  assert.equal(parseJwt(`${b64({ alg: 'HS256', kid: 7 })}.${payload}.c2ln`), 'kid is not a string');
});
