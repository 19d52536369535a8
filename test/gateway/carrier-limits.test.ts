/**
 * Per-carrier limits: a carrier at its max calls/s or max concurrent calls is skipped like a down
 * URI (its other URIs too) and the next carrier tried; with every carrier over, 503
 * carrier_limit_exceeded. The slot is held across a carrier's URIs and given back when the search
 * moves on or the call ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CarrierLimits } from '../../src/gateway/carrier-limits.js';
import { CarrierTarget, type CarrierHop } from '../../src/gateway/carrier-target.js';
import { carrierHop, testCarrier } from './carrier-fixtures.js';

const alpha = testCarrier(
  'alpha',
  [
    ['sip:a1', 0, 1],
    ['sip:a2', 1, 1],
  ],
  { maxConcurrentCalls: 1 },
);
const beta = testCarrier('beta', [['sip:b1', 0, 1]], { maxCallsPerSecond: 2 });
const free = testCarrier('free', [['sip:f1', 0, 1]]);

const hops = (): CarrierHop[] => [
  carrierHop('a1', alpha),
  carrierHop('a2', alpha),
  carrierHop('b1', beta),
  carrierHop('f1', free),
];

function call(limits: CarrierLimits, list = hops()): CarrierTarget {
  return new CarrierTarget({ hops: list, patienceMs: 1000, admit: (c) => limits.admit(c) });
}

test('carrier limits: a carrier at max concurrent calls is skipped, URIs and all; the slot spans its URIs', () => {
  const limits = new CarrierLimits(() => 0);
  const first = call(limits);
  assert.equal(first.next()?.label, 'a1');
  assert.equal(first.failed('timeout', 0), true);
  assert.equal(first.next()?.label, 'a2', "alpha's second URI needs no second slot");
  assert.equal(limits.active(alpha.sid), 1);

  const second = call(limits);
  assert.equal(second.next()?.label, 'b1', 'alpha is full: both its URIs are skipped');
  assert.equal(limits.active(beta.sid), 1);
  // beta fails: its slot goes back as the search moves to the next carrier.
  assert.equal(second.failed('final', 503), true);
  assert.equal(second.next()?.label, 'f1');
  assert.equal(limits.active(beta.sid), 0);
  assert.equal(limits.active(free.sid), 0, 'a carrier without limits is not counted');

  first.release();
  first.release();
  assert.equal(limits.active(alpha.sid), 0, 'the end of the call gives the slot back, once');
  assert.equal(call(limits).next()?.label, 'a1');
});

test('carrier limits: max calls per second within one window, then the next window', () => {
  let now = 0;
  const limits = new CarrierLimits(() => now);
  const onlyBeta = (): CarrierTarget => call(limits, [carrierHop('b1', beta)]);
  const a = onlyBeta();
  const b = onlyBeta();
  assert.equal(a.next()?.label, 'b1');
  assert.equal(b.next()?.label, 'b1');
  a.release();
  b.release();
  const c = onlyBeta();
  assert.equal(c.next(), undefined, 'a third call in the same second');
  assert.deepEqual(c.verdict(), {
    relay: false,
    code: 503,
    reason: 'Service Unavailable (carrier call limits reached)',
    cause: 'carrier_limit_exceeded',
  });
  now = 1000;
  assert.equal(onlyBeta().next()?.label, 'b1', 'a new window');
});

test('carrier limits: one carrier tried and failed, the rest over their limits → all_carriers_failed', () => {
  const limits = new CarrierLimits(() => 0);
  const holder = call(limits);
  assert.equal(holder.next()?.label, 'a1');
  const t = call(limits, [carrierHop('b1', beta), carrierHop('a1', alpha)]);
  assert.equal(t.next()?.label, 'b1');
  assert.equal(t.failed('final', 500), true);
  assert.equal(t.next(), undefined, 'alpha is full');
  assert.equal(t.verdict().cause, 'all_carriers_failed');
});

test('carrier limits: usage entries go once calls end and their window passes (no growth)', () => {
  let now = 0;
  const limits = new CarrierLimits(() => now);
  for (let i = 0; i < 50; i++) {
    const c = testCarrier(`c${i}`, [[`sip:c${i}`, 0, 1]], { maxConcurrentCalls: 5 });
    const t = call(limits, [carrierHop(`c${i}`, c)]);
    t.next();
    now += 1000;
    t.release();
  }
  assert.ok(limits.trackedCarriers <= 1, `${limits.trackedCarriers} tracked`);
});
