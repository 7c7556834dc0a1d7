import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsistentHash, buildMaglev } from './consistent-hash.ts';
import { targets } from './fixture.ts';
import { hash32 } from '../hash.ts';

const KEYS = Array.from({ length: 10_000 }, (_, i) => hash32(`user-${i}`));

test('the same key always lands on the same target, spread evenly (±15%)', () => {
  const ts = targets([1, 1, 1, 1, 1]);
  const b = new ConsistentHash();
  b.update(ts);
  const counts = new Map<string, number>();
  for (const k of KEYS) {
    const t = b.pick(k, null)!;
    assert.equal(b.pick(k, null), t);
    counts.set(t.label, (counts.get(t.label) ?? 0) + 1);
  }
  for (const c of counts.values()) assert.ok(Math.abs(c - 2000) < 300, String(c));
});

test('removing one of N targets remaps about 1/N of the keys', () => {
  const ts = targets([1, 1, 1, 1, 1]);
  const b = new ConsistentHash();
  b.update(ts);
  const before = KEYS.map((k) => b.pick(k, null));
  b.update(ts.slice(0, 4));
  let moved = 0;
  KEYS.forEach((k, i) => {
    if (b.pick(k, null) !== before[i]) moved++;
  });
  const fraction = moved / KEYS.length;
  // 1/5 = 0.2 must move (the removed target's keys); Maglev adds a little churn on top.
  assert.ok(fraction >= 0.19 && fraction < 0.26, String(fraction));
});

test('weights give proportional slots; order of listing does not matter', () => {
  const ts = targets([3, 1]);
  const table = buildMaglev(ts, 65537);
  const share = table.filter((t) => t === ts[0]).length / table.length;
  assert.ok(Math.abs(share - 0.75) < 0.01, String(share));
  const again = buildMaglev([ts[1]!, ts[0]!], 65537);
  assert.ok(table.every((t, i) => again[i] === t));
});

test('exclude returns another target', () => {
  const ts = targets([1, 1]);
  const b = new ConsistentHash();
  b.update(ts);
  const t = b.pick(KEYS[0]!, null)!;
  assert.notEqual(b.pick(KEYS[0]!, t), t);
});
