import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/errors.js';
import { e164 } from '../../../src/api/validation/e164.js';
import { destinationUri } from '../../../src/api/validation/destination-uri.js';
import { ipv4Network, parseMask } from '../../../src/api/validation/ipv4-network.js';
import { listMetadata, parsePage } from '../../../src/api/pagination.js';
import { fieldPath, formatValidationError } from '../../../src/api/format-validation-error.js';

function rejects(fn: () => unknown, field: string, hint: RegExp): void {
  assert.throws(
    fn,
    (e: unknown) =>
      e instanceof ApiError && e.code === 1000 && e.description.startsWith(`${field}:`) && hint.test(e.description),
  );
}

test('E.164: canonical + form, separators removed, no guessing without +', () => {
  assert.equal(e164('phone_number', '+919876543210'), '+919876543210');
  assert.equal(e164('phone_number', '+91 98765-43210'), '+919876543210');
  assert.equal(e164('phone_number', '+1 (415) 555.0100'), '+14155550100');
  for (const bad of ['919876543210', '+0919876543210', '+12345', '+1234567890123456', '+91abc', '', '++919876543210']) {
    rejects(() => e164('phone_number', bad), 'phone_number', /E\.164.*\+919876543210/);
  }
});

test('IPv4 ranges: dotted quads, mask 0-32, host bits rejected with the network to use', () => {
  assert.deepEqual(ipv4Network('203.0.113.10', 32), { ip: '203.0.113.10', mask: 32 });
  assert.deepEqual(ipv4Network('10.0.0.0', 8), { ip: '10.0.0.0', mask: 8 });
  assert.deepEqual(ipv4Network('127.0.0.1', 32), { ip: '127.0.0.1', mask: 32 });
  assert.deepEqual(ipv4Network('0.0.0.0', 0), { ip: '0.0.0.0', mask: 0 });
  rejects(() => ipv4Network('10.0.0.5', 24), 'ip', /network address 10\.0\.0\.0/);
  rejects(() => ipv4Network('192.168.1.130', 25), 'ip', /192\.168\.1\.128/);
  for (const bad of ['256.1.1.1', '010.0.0.1', '1.2.3', '1.2.3.4.5', 'example.com', '::1', ' 1.2.3.4'])
    rejects(() => ipv4Network(bad, 32), 'ip', /dotted IPv4/);
  assert.equal(parseMask(24), 24);
  assert.equal(parseMask('32'), 32);
  for (const bad of [33, -1, 1.5, '33', 'x', null, true, '']) rejects(() => parseMask(bad), 'mask', /0 to 32/);
});

test('destination URIs: host, port 1-65535 and tls|tcp required, normalised', () => {
  assert.deepEqual(destinationUri('d', '44.248.146.11:5061;transport=tls'), {
    destination: '44.248.146.11:5061;transport=tls',
    host: '44.248.146.11',
    port: 5061,
    transport: 'tls',
  });
  assert.deepEqual(destinationUri('d', 'SIP.Company.com:5060;transport=TCP'), {
    destination: 'sip.company.com:5060;transport=tcp',
    host: 'sip.company.com',
    port: 5060,
    transport: 'tcp',
  });
  assert.equal(destinationUri('d', 'localhost:5061;transport=tls').host, 'localhost');
  for (const bad of [
    '1.2.3.4',
    '1.2.3.4:5061',
    '1.2.3.4:0;transport=tls',
    '1.2.3.4:65536;transport=tls',
    '1.2.3.4:5061;transport=udp',
    '-bad.com:5061;transport=tls',
    '999.1.1.1:5061;transport=tls',
    'sip:1.2.3.4:5061;transport=tls',
  ]) {
    rejects(
      () => destinationUri('destinations[0].destination', bad),
      'destinations[0].destination',
      /<ip\|fqdn>:<port>;transport=<tls\|tcp>/,
    );
  }
  for (const transport of ['udp', 'UDP', 'sctp', 'ws']) {
    rejects(
      () => destinationUri('d', `1.2.3.4:5060;transport=${transport}`),
      'd',
      new RegExp(`has transport "${transport}"; only tls and tcp are accepted`),
    );
  }
});

test('pagination: defaults, max enforced, page URIs keep filters', () => {
  assert.deepEqual(parsePage({}), { offset: 0, limit: 50 });
  assert.deepEqual(parsePage({ offset: '10', page_size: '100' }), { offset: 10, limit: 100 });
  rejects(() => parsePage({ page_size: '101' }), 'page_size', /1 to 100/);
  rejects(() => parsePage({ page_size: '0' }), 'page_size', /1 to 100/);
  const m = listMetadata('/x?result=failed&offset=20', { offset: 20, limit: 10 }, 45, 10);
  assert.equal(m.first_page_uri, '/x?offset=0&page_size=10&result=failed');
  assert.equal(m.prev_page_uri, '/x?offset=10&page_size=10&result=failed');
  assert.equal(m.next_page_uri, '/x?offset=30&page_size=10&result=failed');
  const past = listMetadata('/x', { offset: 100, limit: 10 }, 45, 0);
  assert.equal(past.next_page_uri, null);
  assert.equal(past.prev_page_uri, '/x?offset=35&page_size=10');
  const last = listMetadata('/x', { offset: 40, limit: 10 }, 45, 5);
  assert.equal(last.next_page_uri, null);
});

test('validation messages name the field path and the expectation', () => {
  assert.equal(fieldPath('/destinations/0/destination'), 'destinations[0].destination');
  assert.equal(fieldPath('', 'trunk_name'), 'trunk_name');
  const msg = formatValidationError(
    { keyword: 'type', instancePath: '/mask', params: {}, data: true, parentSchema: { description: 'an integer' } },
    'body',
  );
  assert.equal(msg, 'mask: true is not valid; expected an integer');
});
