import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRequestId, isSaneRequestId } from './ids.ts';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids are distinct version-4 UUIDs, across entropy refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2_000; i++) {
    const id = newRequestId();
    assert.match(id, V4);
    seen.add(id);
  }
  assert.equal(seen.size, 2_000);
});

test('every hex digit position varies (no stuck bytes)', () => {
  const ids = Array.from({ length: 500 }, () => newRequestId());
  for (let p = 0; p < 36; p++) {
    if ([8, 13, 18, 23, 14].includes(p)) continue;
    assert.ok(new Set(ids.map((s) => s[p])).size > 1, `position ${p} varies`);
  }
});

test('client ids are kept only when sane', () => {
  assert.ok(isSaneRequestId('abc-123'));
  assert.ok(!isSaneRequestId('a b'));
  assert.ok(!isSaneRequestId(''));
  assert.ok(!isSaneRequestId('x'.repeat(201)));
});
