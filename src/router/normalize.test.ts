import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePath } from './normalize.ts';

function ok(raw: string): string {
  const r = normalizePath(raw);
  assert.ok(r.ok, `expected ${JSON.stringify(raw)} to be accepted, got ${JSON.stringify(r)}`);
  return r.path;
}

function refused(raw: string): string {
  const r = normalizePath(raw);
  assert.ok(!r.ok, `expected ${JSON.stringify(raw)} to be refused, got ${JSON.stringify(r)}`);
  return r.reason;
}

test('normal cases table', () => {
  const table: Array<[string, string]> = [
    ['/', '/'],
    ['/v1/users', '/v1/users'],
    ['/v1/users/', '/v1/users/'],
    ['/V1/Users', '/V1/Users'], // case-sensitive: untouched
    ['/v1/file.json', '/v1/file.json'],
    ['/v1/.well-known/x', '/v1/.well-known/x'],
    ['/v1/...', '/v1/...'], // three dots is a name, not a dot-segment
    ['/v1/a..b', '/v1/a..b'],
    ['//', '/'],
    ['///', '/'],
    ['//v1///users//', '/v1/users/'],
    ['/a//b', '/a/b'],
    ['/v1/public/../admin', '/v1/admin'],
    // `..` removes the segment before it: `/v1/%2e%2e/admin` is `/admin`, as RFC 3986 says
    ['/v1/%2e%2e/admin', '/admin'],
    ['/v1/public/%2e%2e/admin', '/v1/admin'],
    ['/v1/public/%2E%2E/admin', '/v1/admin'],
    ['/v1/public/.%2e/admin', '/v1/admin'],
    ['/./a/./b', '/a/b'],
    ['/../../etc', '/etc'],
    ['/..', '/'],
    ['/.', '/'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/a/b/../', '/a/'],
    ['/a/b/%2e', '/a/b/'],
    ['/a/../../b/../c', '/c'],
    ['/a//../b', '/b'], // `//` merged first, so `..` pops `a`
    ['/%41%42c', '/ABc'],
    ['/%7euser', '/~user'],
    ['/%2d%5f%2e%7E', '/-_.~'],
    ['/a%3ab', '/a%3Ab'],
    ['/a%3Ab', '/a%3Ab'],
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/a%20b', '/a%20b'],
    ['/a;b/c', '/a;b/c'], // parameters on a normal segment are left alone
    ['/100%25', '/100%25'], // a literal percent sign stays encoded
    ['/%2541', '/%2541'], // `%25` not followed by 2e/2f/5c/00 is a literal percent
    ['/a?b', '/a?b'], // caller strips the query; a stray '?' is just a char here
  ];
  for (const [raw, want] of table) assert.equal(ok(raw), want, raw);
});

test('fast path returns the very same string', () => {
  const raw = '/v1/users/123/orders';
  assert.equal(ok(raw), raw);
  assert.equal(ok('/'), '/');
  // dots that cannot form a dot-segment stay on the fast path too
  for (const p of ['/v1/file.json', '/.well-known/x', '/a/..b', '/a/.../b', '/a/.x;y', '/a/b.']) {
    assert.equal(ok(p), p, p);
  }
});

test('every dot-segment shape is caught, at the end, before a slash or with parameters', () => {
  const table: Array<[string, string]> = [
    ['/a/.', '/a/'],
    ['/a/..', '/'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/.', '/'],
    ['/..', '/'],
  ];
  for (const [raw, want] of table) assert.equal(ok(raw), want, raw);
  for (const raw of ['/.;', '/..;', '/a/.;b', '/a/..;b/c']) assert.ok(!normalizePath(raw).ok, raw);
});

test('must start with a slash', () => {
  for (const raw of ['', 'v1/users', '*', 'http://a/b', '%2fetc']) {
    assert.match(refused(raw), /must start with/);
  }
});

test('refuses raw fragment, backslash and control characters', () => {
  assert.match(refused('/a#b'), /fragment/);
  assert.match(refused('/a/b#'), /fragment/);
  assert.match(refused('/a\\..\\b'), /backslash/);
  assert.match(refused('/a\\b'), /backslash/);
  for (const c of ['\0', '\n', '\r', '\t', '\x1f', '\x7f']) {
    assert.match(refused(`/a${c}b`), /control character/, JSON.stringify(c));
    assert.match(refused(`/a.b${c}`), /control character/, JSON.stringify(c)); // also on the slow path
  }
});

test('refuses invalid percent-encoding', () => {
  for (const raw of ['/%zz', '/%', '/a%', '/a%a', '/%g0', '/%0g', '/a%2', '/%%41']) {
    assert.match(refused(raw), /invalid percent-encoding/, raw);
  }
});

test('refuses encoded slash, backslash, NUL and control characters', () => {
  for (const raw of ['/a%2fb', '/a%2Fb', '/..%2f..%2fetc', '/a%5cb', '/a%5Cb', '/%2e%2e%5c']) {
    assert.match(refused(raw), /encoded "\/" or "\\"/, raw);
  }
  for (const raw of ['/a%00', '/a%00b', '/%0d%0aSet-Cookie:x', '/%0A', '/%7f', '/%1F']) {
    assert.match(refused(raw), /encoded control character/, raw);
  }
});

test('refuses dot-segments with parameters, raw or encoded', () => {
  const attacks = [
    '/v1/..;/admin',
    '/v1/..;x/admin',
    '/v1/.;x/admin',
    '/v1/.;/admin',
    '/v1/..;',
    '/..;',
    '/v1/%2e%2e;x/admin',
    '/v1/%2e%2e;/admin',
    '/v1/.%2e;/admin',
    '/v1/%2e;jsessionid=1/admin',
    '/v1/..%3b/admin',
    '/v1/..%3Bx/admin',
    '/v1/.%3b/admin',
  ];
  for (const raw of attacks) assert.match(refused(raw), /dot-segment with parameters/, raw);
  // not dot-segments: parameters are fine there
  assert.equal(ok('/v1/a..;x'), '/v1/a..;x');
  assert.equal(ok('/v1/...;x'), '/v1/...;x');
});

test('refuses double encoding of dot, slash, backslash and NUL', () => {
  const attacks = [
    '/%252e%252e/admin',
    '/%252E',
    '/a%252fb',
    '/a%252Fb',
    '/a%255cb',
    '/a%2500',
    '/%25%32%65', // decodes the digits first, producing %252e
    '/%25%32%46',
    '/x/%25252e', // triple encoding: `%2525` is refused as well
    '/x/%2525',
  ];
  for (const raw of attacks) assert.match(refused(raw), /double percent-encoding/, raw);
});

test('refusal happens even if the segment would be popped by a later ..', () => {
  assert.ok(!normalizePath('/a%252e/..').ok);
  assert.ok(!normalizePath('/a%2f/..').ok);
});

test('normalization is idempotent', () => {
  const samples = [
    '/a/./b/../c//d/',
    '/%7e%41/%3a',
    '/../x/%2e',
    '/v1/%2e%2e/admin/',
    '/a%20b/c;d',
  ];
  for (const raw of samples) {
    const once = ok(raw);
    assert.equal(ok(once), once, raw);
  }
});

test('randomized: fast and slow paths agree, and results are canonical', () => {
  // `%61` is just an encoded `a`: swapping it in forces the slow path without changing the meaning,
  // so both spellings must normalize identically.
  const alphabet = ['a', 'a', 'b', '/', '/', '.', '..', ';', '%2e', '%2E', '%25', '%3a', '~', '-'];
  let seed = 7;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let round = 0; round < 20000; round++) {
    let raw = '/';
    let encoded = '/';
    const parts = 1 + rand(10);
    for (let k = 0; k < parts; k++) {
      const part = alphabet[rand(alphabet.length)] as string;
      raw += part;
      encoded += part === 'a' ? '%61' : part;
    }
    const a = normalizePath(raw);
    const b = normalizePath(encoded);
    assert.deepEqual(a.ok ? a.path : 'refused', b.ok ? b.path : 'refused', raw);
    if (!a.ok) continue;
    const p = a.path;
    assert.ok(p.startsWith('/') && !p.includes('//'), raw);
    assert.ok(!p.split('/').some((s) => s === '.' || s === '..'), raw);
    assert.ok(!/%(?:[0-9A-F][a-f]|[a-f][0-9A-Fa-f])/.test(p), `lower-case hex in ${p}`);
    assert.ok(
      !/%(?:2E|2D|5F|7E|4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|3[0-9])/.test(p),
      `undecoded in ${p}`,
    );
    assert.deepEqual(normalizePath(p), { ok: true, path: p }, `not idempotent: ${raw} → ${p}`);
  }
});
