import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pike } from '../../src/gateway/pike.js';
import { TrunkLimits } from '../../src/gateway/trunk-limits.js';
import type { CompiledTrunk } from '../../src/gateway/config-snapshot.js';

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

function trunk(over: Partial<CompiledTrunk>): CompiledTrunk {
  return {
    sid: 'TR1',
    accountSid: 'AC1',
    active: true,
    authType: 'ip_whitelist',
    sipPassword: '',
    numbers: new Set(),
    ranges: [],
    destinations: [],
    externalAlias: null,
    settings: {},
    maxCallsPerSecond: null,
    maxConcurrentCalls: null,
    ...over,
  };
}

test('trunk limits: concurrency slots are given back once, however often release runs', () => {
  const l = new TrunkLimits({ defaultCps: 0, defaultConcurrent: 0, now: () => 0 });
  const t = trunk({ maxConcurrentCalls: 2 });
  const a = l.admit(t);
  const b = l.admit(t);
  assert.equal(typeof a, 'function');
  assert.equal(typeof b, 'function');
  assert.equal(l.admit(t), 'trunk_concurrency_exceeded');
  (a as () => void)();
  (a as () => void)();
  assert.equal(l.active('TR1'), 1, 'a double release does not free a second slot');
  assert.equal(typeof l.admit(t), 'function');
});

test('trunk limits: CPS per one-second window; null falls back to the gateway default', () => {
  let now = 0;
  const l = new TrunkLimits({ defaultCps: 2, defaultConcurrent: 0, now: () => now });
  const t = trunk({});
  assert.equal(typeof l.admit(t), 'function');
  assert.equal(typeof l.admit(t), 'function');
  assert.equal(l.admit(t), 'trunk_cps_exceeded');
  now = 1000;
  assert.equal(typeof l.admit(t), 'function');
  const unlimited = new TrunkLimits({ defaultCps: 0, defaultConcurrent: 0 });
  for (let i = 0; i < 1000; i++) assert.equal(typeof unlimited.admit(t), 'function');
});
