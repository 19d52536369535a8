import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CarrierPlan, CarrierPlanSource, CarrierRoute } from '../../src/carriers/carrier-plan.js';
import { staticCarrierPlan, STATIC_CARRIER_SID } from '../../src/carriers/static-carrier-plan.js';
import { withDefaultCarrier } from '../../src/carriers/with-default-carrier.js';

/** A stored plan the test replaces by hand, as the store-backed source does on a change event. */
function storedSource(initial: CarrierPlan) {
  let plan = initial;
  const listeners = new Set<() => void>();
  const source: CarrierPlanSource = {
    current: () => plan,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    source,
    replace(next: CarrierPlan) {
      plan = next;
      for (const l of listeners) l();
    },
  };
}

const carrier = (sid: string) => ({
  sid,
  name: sid,
  uris: [{ id: `${sid}-u`, uri: `sip:${sid}.example.net`, priority: 0, weight: 1 }],
  credentials: null,
  registration: null,
  sourceCidrs: [],
  codecs: [],
  maxCallsPerSecond: null,
  maxConcurrentCalls: null,
  probe: false,
  srtp: false,
});
const route = (sid: string, prefix: string, carrierSid: string): CarrierRoute => ({
  sid,
  prefix,
  carriers: [{ carrierSid, priority: 0, weight: 1 }],
});
const EMPTY: CarrierPlan = { carriers: new Map(), routes: [] };

test('no stored carriers: the shortcut alone', () => {
  const shortcut = staticCarrierPlan('sip:192.0.2.10:5060');
  const plan = withDefaultCarrier(storedSource(EMPTY).source, shortcut).current();
  assert.equal(plan, shortcut.current());
});

test('stored prefix routes win; the shortcut stays the default route until a stored one exists', () => {
  const stored = storedSource({ carriers: new Map([['ca', carrier('ca')]]), routes: [route('r1', '91', 'ca')] });
  const merged = withDefaultCarrier(stored.source, staticCarrierPlan('sip:192.0.2.10:5060'));
  let changes = 0;
  merged.onChange(() => changes++);
  const first = merged.current();
  assert.deepEqual(
    first.routes.map((r) => [r.prefix, r.carriers[0]?.carrierSid]),
    [
      ['91', 'ca'],
      ['', STATIC_CARRIER_SID],
    ],
  );
  assert.deepEqual([...first.carriers.keys()].sort(), ['ca', STATIC_CARRIER_SID].sort());
  assert.equal(merged.current(), first, 'rebuilt only on change');

  stored.replace({
    carriers: new Map([['ca', carrier('ca')]]),
    routes: [route('r1', '91', 'ca'), route('r0', '', 'ca')],
  });
  assert.equal(changes, 1);
  const second = merged.current();
  assert.deepEqual(
    second.routes.map((r) => r.prefix),
    ['91', ''],
  );
  assert.equal(second.carriers.has(STATIC_CARRIER_SID), false, 'a stored default route replaces the shortcut');
});
