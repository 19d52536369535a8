import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  callIdHash,
  ownerOf,
  unwrapFromSibling,
  workerOwnPort,
  wrapForSibling,
} from '../../../src/sip/transport/udp-steering.js';

const msg = (callIdLine: string, extra = ''): Buffer =>
  Buffer.from(
    `INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\nCall-Info: <http://x>\r\nIn-Reply-To: ` +
      `other\r\n${extra}${callIdLine}\r\nCSeq: 1 INVITE\r\n\r\nCall-ID: in-the-body\r\n`,
  );

test(
  "callIdHash: every spelling of the header gives the value's hash; Call-Info, In-Reply-To and the body are not " +
    'it',
  () => {
    const h = callIdHash(msg('Call-ID: abc@host'));
    assert.notEqual(h, -1);
    for (const line of [
      'call-id: abc@host',
      'CALL-ID:abc@host',
      'i: abc@host',
      'I:abc@host',
      'Call-ID :  abc@host  ',
      'i\t:\tabc@host',
    ]) {
      assert.equal(callIdHash(msg(line)), h, line);
    }
    assert.notEqual(callIdHash(msg('Call-ID: abd@host')), h);
    // No Call-ID in the head (the one after the blank line is body): none.
    assert.equal(callIdHash(Buffer.from('INVITE sip:a@b SIP/2.0\r\nVia: x\r\n\r\nCall-ID: body\r\n')), -1);
    assert.equal(callIdHash(Buffer.from('garbage')), -1);
  },
);

test('ownerOf: a message without a Call-ID stays where it was read; owners spread over the workers', () => {
  assert.equal(ownerOf(Buffer.from('\r\n\r\n'), 4, 3), 3);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[ownerOf(msg(`Call-ID: ${i}-${i * 7919}@pbx`), 3, 0)]!++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `spread ${counts.join('/')}`);
});

test(
  'envelope: wrap/unwrap keeps datagram and source; another key, truncation or a plain SIP message are not ' +
    'envelopes',
  () => {
    const key = Buffer.alloc(16, 9);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom('127.0.0.1', '203.0.113.77', '2001:db8::1'),
        fc.integer({ min: 1, max: 65535 }),
        (bytes, address, port) => {
          const d = Buffer.from(bytes);
          const u = unwrapFromSibling(key, wrapForSibling(key, d, address, port));
          assert.ok(u);
          assert.deepEqual([u.address, u.port, Buffer.compare(u.datagram, d)], [address, port, 0]);
        },
      ),
    );
    const w = wrapForSibling(key, Buffer.from('INVITE'), '10.0.0.1', 5060);
    assert.equal(unwrapFromSibling(Buffer.alloc(16, 8), w), null);
    assert.equal(unwrapFromSibling(key, w.subarray(0, 10)), null);
    assert.equal(unwrapFromSibling(key, msg('Call-ID: x')), null);
  },
);

test('workerOwnPort: listen port + 1000 + index, any free port when that cannot be', () => {
  assert.deepEqual([workerOwnPort(5060, 0), workerOwnPort(5060, 1), workerOwnPort(5080, 1)], [6060, 6061, 6081]);
  assert.equal(workerOwnPort(0, 1), 0);
  assert.equal(workerOwnPort(65000, 0), 0);
});
