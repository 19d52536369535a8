import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticCarrierPlan, STATIC_CARRIER_SID } from '../../src/carriers/static-carrier-plan.js';
import { withDefaultCarrier } from '../../src/carriers/with-default-carrier.js';
import { MemoryPlanSource, testCarrier } from '../gateway/carrier-fixtures.js';

const ca = testCarrier('ca', [['sip:ca.example.net', 0, 1]]);

test('no stored carriers: the shortcut alone', () => {
  const shortcut = staticCarrierPlan('sip:192.0.2.10:5060');
  const plan = withDefaultCarrier(new MemoryPlanSource([], []), shortcut).current();
  assert.equal(plan, shortcut.current());
});

test('stored prefix routes win; the shortcut stays the default route until a stored one exists', () => {
  const stored = new MemoryPlanSource([ca], [['91', [['ca', 0, 1]]]]);
  const merged = withDefaultCarrier(stored, staticCarrierPlan('sip:192.0.2.10:5060'));
  let changes = 0;
  merged.onChange(() => changes++);
  const first = merged.current();
  assert.deepEqual(
    first.routes.map((r) => [r.prefix, r.carriers[0]?.carrierSid]),
    [
      ['91', ca.sid],
      ['', STATIC_CARRIER_SID],
    ],
  );
  assert.deepEqual([...first.carriers.keys()].sort(), [ca.sid, STATIC_CARRIER_SID].sort());
  assert.equal(merged.current(), first, 'rebuilt only on change');

  stored.set(
    [ca],
    [
      ['91', [['ca', 0, 1]]],
      ['', [['ca', 0, 1]]],
    ],
  );
  assert.equal(changes, 1);
  const second = merged.current();
  assert.deepEqual(
    second.routes.map((r) => r.prefix),
    ['91', ''],
  );
  assert.equal(second.carriers.has(STATIC_CARRIER_SID), false, 'a stored default route replaces the shortcut');
});
