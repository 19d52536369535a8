import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledTrunk } from '../../src/gateway/config-snapshot.js';
import { TrunkLimits } from '../../src/gateway/trunk-limits.js';

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
    registrationEnabled: false,
    secureTrunking: false,
    codecs: ['PCMU', 'PCMA', 'G729'],
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

test('trunk limits: the CPS window is one second from its first call, on the injected clock', () => {
  let now = 5000;
  const l = new TrunkLimits({ defaultCps: 0, defaultConcurrent: 0, now: () => now });
  const t = trunk({ maxCallsPerSecond: 1 });
  assert.equal(typeof l.admit(t), 'function');
  now = 5999;
  assert.equal(l.admit(t), 'trunk_cps_exceeded', '999 ms later is the same window');
  now = 6000;
  assert.equal(typeof l.admit(t), 'function', 'a full second later a new window starts');
  now = 6500;
  assert.equal(l.admit(t), 'trunk_cps_exceeded', 'the new window counts from 6000, not from the refusal');
});

test('trunk limits: a refused call takes no slot; an idle trunk is forgotten once its window is over', () => {
  let now = 0;
  const l = new TrunkLimits({ defaultCps: 1, defaultConcurrent: 0, now: () => now });
  const t = trunk({});
  const release = l.admit(t) as () => void;
  assert.equal(l.admit(t), 'trunk_cps_exceeded');
  assert.equal(l.active('TR1'), 1, 'the refusal took no concurrency slot');
  release();
  assert.equal(l.trackedTrunks, 1, 'kept while its window is current (it still counts the call started)');
  assert.equal(l.admit(t), 'trunk_cps_exceeded');
  now = 1000;
  const next = l.admit(t) as () => void;
  now = 2000;
  next();
  assert.equal(l.trackedTrunks, 0, 'the last release after the window drops the entry');
});
