import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pike } from '../../src/gateway/pike.js';

test('pike: over the rate in one second → blocked for blockMs, then counted afresh', () => {
  let now = 0;
  const p = new Pike({ rate: 3, blockMs: 5000, maxSources: 10, now: () => now });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => p.allow('a')),
    [true, true, true, false, false],
  );
  assert.equal(p.blocks, 1);
  assert.equal(p.dropped, 2);
  now = 1500;
  assert.equal(p.allow('a'), false, 'still blocked in the next window');
  now = 5001;
  assert.equal(p.allow('a'), true);
  assert.equal(p.allow('b'), true, 'other sources unaffected');
});

test('pike: a new window resets the count; rate 0 turns it off', () => {
  let now = 0;
  const p = new Pike({ rate: 2, blockMs: 1000, maxSources: 10, now: () => now });
  p.allow('a');
  p.allow('a');
  now = 1000;
  assert.equal(p.allow('a'), true);
  assert.equal(p.allow('a'), true);
  const off = new Pike({ rate: 0, blockMs: 1000, maxSources: 1 });
  for (let i = 0; i < 100; i++) assert.equal(off.allow('x'), true);
  assert.equal(off.size, 0, 'no state at all when off');
});

test('pike: the table stays within maxSources (spoofed-source flood), oldest forgotten first', () => {
  const p = new Pike({ rate: 1, blockMs: 1000, maxSources: 100, now: () => 0 });
  for (let i = 0; i < 10_000; i++) p.allow(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(p.size, 100);
});

test('pike: an exempt source is asked once per window, only when over the rate', () => {
  let asked = 0;
  const p = new Pike({
    rate: 2,
    blockMs: 1000,
    maxSources: 10,
    now: () => 0,
    exempt: () => {
      asked++;
      return true;
    },
  });
  for (let i = 0; i < 50; i++) assert.equal(p.allow('pbx'), true);
  assert.equal(asked, 1);
});
