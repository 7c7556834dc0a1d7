import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peakEwma } from './ewma.ts';

test('a higher sample is taken at once (peak)', () => {
  assert.equal(peakEwma(10, 0, 50, 1), 50);
  assert.equal(peakEwma(0, 0, 7, 0), 7);
});

test('a lower sample decays in, faster the longer since the last one', () => {
  const soon = peakEwma(100, 0, 10, 100);
  const later = peakEwma(100, 0, 10, 20_000);
  assert.ok(soon > 90 && soon < 100, String(soon));
  assert.ok(later < 25, String(later));
});
