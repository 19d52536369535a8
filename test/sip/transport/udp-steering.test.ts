import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fc from 'fast-check';
import {
  callIdHash,
  ownerOf,
  unwrapFromSibling,
  workerOwnPort,
  wrapForSibling,
} from '../../../src/sip/transport/udp-steering.js';
import { UdpTransport } from '../../../src/sip/transport/udp.js';
import { createSipCounters } from '../../../src/sip/sip-counters.js';
import type { InboundMessage } from '../../../src/sip/transport/transport.js';

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

test(
  'a worker that does not read the shared port: datagrams there are left to the reader, its own port reads, ' +
    'and no deprecated dgram API is touched (DEP0112)',
  async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }): void => {
      warnings.push(`${w.code ?? w.name}: ${w.message}`);
    };
    process.on('warning', onWarning);
    const got: InboundMessage[] = [];
    const t = await UdpTransport.listen({
      host: '127.0.0.1',
      port: 0,
      counters: createSipCounters(),
      onMessage: (m) => got.push(m),
      steering: { index: 1, count: 2, key: Buffer.alloc(16, 7), peers: [0, 0], readsShared: false, ownPort: 0 },
    });
    const client = dgram.createSocket('udp4');
    try {
      await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
      const options = (n: number): Buffer =>
        Buffer.from(
          `OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${client.address().port};branch=` +
            `z9hG4bK${n}\r\nFrom: <sip:a@127.0.0.1>;tag=f\r\nTo: <sip:gw@127.0.0.1>\r\nCall-ID: c${n}\r\n` +
            'CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
        );
      client.send(options(1), t.local.port, '127.0.0.1');
      client.send(options(2), t.own!.port, '127.0.0.1');
      const t0 = Date.now();
      while (got.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200)); // time for the shared port's datagram, were it read
      // Warnings are emitted on the next tick: by now any would have arrived.
      assert.deepEqual(warnings, []);
      assert.deepEqual(
        got.map((m) => [m.source.local.port, m.message.kind === 'request' ? m.message.uri : '']),
        [[t.own!.port, 'sip:gw@127.0.0.1']],
      );
    } finally {
      process.off('warning', onWarning);
      client.close();
      await t.close();
    }
  },
);
