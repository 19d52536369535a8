import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTrunk } from '../../src/gateway/config-snapshot.js';
import { orderDestinations, decideOrigination } from '../../src/gateway/origination-policy.js';
import { parseIpv4 } from '../../src/net/ipv4.js';
import { normalizeE164 } from '../../src/gateway/phone-number.js';
import { gatewayTrunk, snapshotOf } from './policy-fixtures.js';
import type { DestinationUri } from '../../src/store/types.js';

test('normalizeE164 accepts +, 00 and digits-only forms with separators', () => {
  assert.equal(normalizeE164('+919876543210'), '+919876543210');
  assert.equal(normalizeE164('919876543210'), '+919876543210');
  assert.equal(normalizeE164('00919876543210'), '+919876543210');
  assert.equal(normalizeE164('+1 (415) 555-0100'), '+14155550100');
  assert.equal(normalizeE164('+14155550100;npdi'), '+14155550100');
  for (const bad of ['1234567', '+1234567890123456', 'alice', '', null, '+0123456789'])
    assert.equal(normalizeE164(bad), null, String(bad));
});

test('snapshot IP index: most specific range first, ranges of several trunks', () => {
  const a = gatewayTrunk({ ips: [{ ip: '10.0.0.0', mask: 8 }] });
  const b = gatewayTrunk({
    ips: [
      { ip: '10.1.2.3', mask: 32 },
      { ip: '192.168.1.0', mask: 24 },
    ],
  });
  const s = snapshotOf(a, b);
  assert.deepEqual(
    s.trunksForIp(parseIpv4('10.1.2.3')).map((t) => t.sid),
    [b.trunk.sid, a.trunk.sid],
  );
  assert.deepEqual(
    s.trunksForIp(parseIpv4('10.9.9.9')).map((t) => t.sid),
    [a.trunk.sid],
  );
  assert.deepEqual(
    s.trunksForIp(parseIpv4('192.168.1.77')).map((t) => t.sid),
    [b.trunk.sid],
  );
  assert.deepEqual(s.trunksForIp(parseIpv4('11.0.0.1')), []);
  s.apply(b.trunk.sid, null);
  assert.deepEqual(
    s.trunksForIp(parseIpv4('10.1.2.3')).map((t) => t.sid),
    [a.trunk.sid],
  );
  assert.deepEqual(s.trunksForIp(parseIpv4('192.168.1.77')), []);
});

test('snapshot number index follows a trunk update and delete', () => {
  const a = gatewayTrunk({ numbers: ['+15005550001'] });
  const s = snapshotOf(a);
  assert.equal(s.trunkForNumber('+15005550001')?.sid, a.trunk.sid);
  s.apply(a.trunk.sid, compileTrunk({ ...a, numbers: ['+15005550002'] }));
  assert.equal(s.trunkForNumber('+15005550001'), undefined);
  assert.equal(s.trunkForNumber('+15005550002')?.sid, a.trunk.sid);
  s.apply(a.trunk.sid, null);
  assert.equal(s.trunkForNumber('+15005550002'), undefined);
  assert.equal(s.size, 0);
});

const dest = (id: string, priority: number, weight: number): DestinationUri => ({
  id,
  trunkSid: 't',
  destination: `h${id}:5061;transport=tls`,
  host: `h${id}`,
  port: 5061,
  transport: 'tls',
  priority,
  weight,
  dateCreated: '',
  dateUpdated: '',
});

test('destinations: priority order, weighted within a priority', () => {
  const sorted = [dest('1', 1, 1), dest('2', 1, 3), dest('3', 2, 1)];
  assert.deepEqual(
    orderDestinations(sorted, () => 0).map((d) => d.id),
    ['1', '2', '3'],
  );
  assert.deepEqual(
    orderDestinations(sorted, () => 0.5).map((d) => d.id),
    ['2', '1', '3'],
  );
  let first2 = 0;
  for (let i = 0; i < 4000; i++) if (orderDestinations(sorted, Math.random)[0]?.id === '2') first2++;
  assert.ok(first2 > 2700 && first2 < 3300, `weight 3 of 4 picked first ${first2}/4000`);
});

test('origination policy: 404 unmapped, 480 without destinations, proxy otherwise', () => {
  const noDest = gatewayTrunk({ numbers: ['+15005550010'] });
  const withDest = gatewayTrunk({ numbers: ['+15005550011'], destinations: [dest('9', 1, 1)] });
  const s = snapshotOf(noDest, withDest);
  const d1 = decideOrigination({ dialled: '+15005550099', callerId: null, maxForwards: 70 }, s);
  assert.equal(d1.action === 'reject' && d1.code, 404);
  const d2 = decideOrigination({ dialled: '15005550010', callerId: null, maxForwards: 70 }, s);
  assert.equal(d2.action === 'reject' && d2.code, 480);
  assert.equal(d2.action === 'reject' && d2.cause, 'no_destination');
  const d3 = decideOrigination({ dialled: '+15005550011', callerId: '+14155550100', maxForwards: 70 }, s);
  assert.equal(d3.action, 'proxy');
  assert.equal(d3.action === 'proxy' && d3.destinations[0]?.id, '9');
});
