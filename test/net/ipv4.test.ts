import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, ipv4InPrefix, parseIpv4, peerIpv4, prefixMask } from '../../src/net/ipv4.js';
import { ipInRange } from '../../src/cli/doctor/ip-range.js';
import { ipv4Network, isIpv4 } from '../../src/api/validation/ipv4-network.js';
import { compileTrunk } from '../../src/gateway/config-snapshot.js';
import { gatewayTrunk } from '../gateway/policy-fixtures.js';

const VALID: Array<[string, number]> = [
  ['0.0.0.0', 0],
  ['127.0.0.2', 0x7f000002],
  ['203.0.113.10', 0xcb00710a],
  ['255.255.255.255', 0xffffffff],
  ['10.0.0.0', 0x0a000000],
];

// Leading zeros: `inet_aton` reads 010 as octal 8, so one text would name two addresses.
const INVALID = [
  '',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '1.2.3.256',
  '::1',
  '::ffff:10.0.0.1',
  '1..2.3',
  'a.b.c.d',
  ' 1.2.3.4',
  '1.2.3.4 ',
  '010.0.0.1',
  '1.2.3.04',
  '00.1.2.3',
  '1.2.3.0000',
  '-1.2.3.4',
  '1.2.3.',
  '.1.2.3',
];

test('parseIpv4: dotted decimal only, one number per address', () => {
  for (const [text, value] of VALID) {
    assert.equal(parseIpv4(text), value, text);
    assert.equal(formatIpv4(value), text);
  }
  for (const bad of INVALID) assert.equal(parseIpv4(bad), null, JSON.stringify(bad));
});

test('peerIpv4 reads the IPv4 inside an IPv4-mapped IPv6 socket address, nothing else', () => {
  assert.equal(peerIpv4('::ffff:10.0.0.1'), 0x0a000001);
  assert.equal(peerIpv4('10.0.0.1'), 0x0a000001);
  assert.equal(peerIpv4('::1'), null);
  assert.equal(peerIpv4('2001:db8::1'), null);
});

test('prefixMask and ipv4InPrefix', () => {
  assert.equal(prefixMask(0), 0);
  assert.equal(prefixMask(8), 0xff000000);
  assert.equal(prefixMask(32), 0xffffffff);
  assert.ok(ipv4InPrefix(0x0a010203, 0x0a000000, 8));
  assert.ok(!ipv4InPrefix(0x0b000001, 0x0a000000, 8));
  assert.ok(ipv4InPrefix(0xffffffff, 0, 0));
  assert.ok(!ipv4InPrefix(0x0a000000, 0x0a000000, 33));
});

// The API stores, the gateway enforces and the doctor checks the same addresses: each must read them alike.
test('API validation, gateway whitelist and doctor agree on every address', () => {
  for (const text of [...VALID.map(([t]) => t), ...INVALID]) {
    const ok = parseIpv4(text) !== null;
    assert.equal(isIpv4(text), ok, `API ${JSON.stringify(text)}`);
    assert.equal(ipInRange(text, '0.0.0.0', 0), ok, `doctor ${JSON.stringify(text)}`);
    const ranges = compileTrunk(gatewayTrunk({ ips: [{ ip: text, mask: 32 }] })).ranges;
    assert.equal(ranges.length, ok ? 1 : 0, `gateway ${JSON.stringify(text)}`);
  }
  assert.deepEqual(ipv4Network('10.0.0.0', 8), { ip: '10.0.0.0', mask: 8 });
  assert.throws(() => ipv4Network('10.0.0.5', 24), /use the network address 10\.0\.0\.0 with mask 24/);
});
