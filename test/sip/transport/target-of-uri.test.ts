import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri, targetOfUri, targetOfUriString } from '../../../src/sip/index.js';

// RFC 3263 §4.1–4.2 without DNS: transport from the scheme and `transport`, port by transport.
const CASES: Array<[string, { address: string; port: number; protocol: string } | null]> = [
  ['sip:1.2.3.4', { address: '1.2.3.4', port: 5060, protocol: 'udp' }],
  ['sip:h:5070;transport=TCP', { address: 'h', port: 5070, protocol: 'tcp' }],
  ['sip:h;transport=tcp', { address: 'h', port: 5060, protocol: 'tcp' }],
  ['sip:h;transport=tls', { address: 'h', port: 5061, protocol: 'tls' }],
  ['sips:h', { address: 'h', port: 5061, protocol: 'tls' }],
  ['sips:h:5071;transport=tcp', { address: 'h', port: 5071, protocol: 'tls' }],
  ['sip:alice@h:5062;transport=sctp', { address: 'h', port: 5062, protocol: 'udp' }],
  ['not a uri', null],
];

test('targetOfUriString / targetOfUri: transport and default ports', () => {
  for (const [uri, want] of CASES) {
    assert.deepEqual(targetOfUriString(uri), want, uri);
    if (want !== null) assert.deepEqual(targetOfUri(parseUri(uri)), want, uri);
  }
});
