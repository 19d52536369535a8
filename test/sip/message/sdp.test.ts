import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { SipParseError, offeredCodecs, parseMessage, parseSdp } from '../../../src/sip/message/index.js';
import { FIXTURES_DIR, RFC4475_DIR } from './codec-helpers.js';

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 198.51.100.10',
  's=call',
  'c=IN IP4 198.51.100.10',
  't=0 0',
  'a=sendrecv',
  'm=audio 16384 RTP/AVP 0 8 18 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'm=video 0 RTP/AVP 31',
  'm=audio 20000/2 RTP/AVP 96 9',
  'c=IN IP6 2001:db8::1',
  'a=rtpmap:96 opus/48000/2',
  '',
].join('\r\n');

test('parseSdp reads session, connection, media lines and rtpmap', () => {
  const sdp = parseSdp(OFFER);
  assert.equal(sdp.version, 0);
  assert.equal(sdp.sessionName, 'call');
  assert.deepEqual(sdp.connection, { netType: 'IN', addrType: 'IP4', address: '198.51.100.10' });
  assert.deepEqual(sdp.attributes, ['sendrecv']);
  assert.equal(sdp.media.length, 3);
  const [a, v, b] = sdp.media;
  assert.equal(a!.media, 'audio');
  assert.equal(a!.port, 16384);
  assert.equal(a!.proto, 'RTP/AVP');
  assert.deepEqual(a!.formats, ['0', '8', '18', '101']);
  assert.deepEqual(a!.rtpmap.get('101'), { encoding: 'telephone-event', clockRate: 8000, channels: null });
  assert.equal(v!.port, 0);
  assert.equal(b!.portCount, 2);
  assert.equal(b!.connection?.address, '2001:db8::1');
  assert.deepEqual(b!.rtpmap.get('96'), { encoding: 'opus', clockRate: 48000, channels: 2 });
});

test('offeredCodecs names static payload types without rtpmap and skips disabled streams', () => {
  assert.deepEqual([...offeredCodecs(parseSdp(OFFER))].sort(), [
    'G722',
    'G729',
    'OPUS',
    'PCMA',
    'PCMU',
    'TELEPHONE-EVENT',
  ]);
  assert.deepEqual([...offeredCodecs(parseSdp(OFFER), 'video')], []);
  assert.deepEqual([...offeredCodecs(parseSdp('v=0\nm=audio 4000 RTP/AVP 18\n'))], ['G729']);
  assert.deepEqual([...offeredCodecs(parseSdp('v=0\nm=audio 4000 RTP/AVP 97\n'))], []);
  // rtpmap wins over the static table.
  assert.deepEqual([...offeredCodecs(parseSdp('v=0\nm=audio 4000 RTP/AVP 8\na=rtpmap:8 pcma/8000\n'))], ['PCMA']);
});

test('SDP bodies of the RFC 3665 and RFC 4475 messages', () => {
  const invite = parseMessage(readFileSync(path.join(FIXTURES_DIR, 'rfc3665-3.1-f1-invite.sip')));
  assert.deepEqual([...offeredCodecs(parseSdp(invite.body))], ['PCMU']);
  const torture = parseMessage(readFileSync(path.join(RFC4475_DIR, 'sdp01.dat')));
  const sdp = parseSdp(torture.body);
  assert.deepEqual(
    sdp.media.map((m) => m.media),
    ['audio', 'video'],
  );
  assert.deepEqual([...offeredCodecs(sdp)].sort(), ['PCMU', 'QCELP']);
  assert.equal(
    sdp.media[1]!.rtpmap.get('31')?.encoding,
    undefined,
    'a=rtpmap:31 LPC lacks a clock rate: skipped, not thrown',
  );
});

test('garbage throws bad_sdp, never anything else', () => {
  for (const bad of [
    '',
    'hello',
    'v=1',
    'o=x\r\nv=0',
    'v=0\r\nm=audio',
    'v=0\r\nm=audio x RTP/AVP 0',
    'v=0\r\nm =video 1 RTP/AVP 0',
    'v=0\r\nc=IN',
  ]) {
    assert.throws(
      () => parseSdp(bad),
      (e: unknown) => e instanceof SipParseError && e.code === 'bad_sdp',
      JSON.stringify(bad),
    );
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, prefix) => {
      const body = Buffer.concat([Buffer.from(prefix ? 'v=0\r\n' : ''), Buffer.from(bytes)]);
      try {
        offeredCodecs(parseSdp(body));
      } catch (err) {
        if (!(err instanceof SipParseError) || err.code !== 'bad_sdp') throw err;
      }
    }),
    { seed: 4566, numRuns: 500 },
  );
});

test('parseSdp: SDP bombs are refused as bad_sdp (too many media sections, too many ICE candidates)', () => {
  const head = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';
  const mlines = Array.from({ length: 33 }, (_, i) => `m=audio ${10000 + i} RTP/AVP 0\r\n`).join('');
  assert.throws(() => parseSdp(head + mlines), /too many media sections/);
  const cands = Array.from({ length: 129 }, (_, i) => `a=candidate:${i} 1 UDP 1 10.0.0.1 ${i + 1} typ host\r\n`).join(
    '',
  );
  assert.throws(() => parseSdp(`${head}m=audio 1000 RTP/AVP 0\r\n${cands}`), /too many ICE candidates/);
  assert.equal(
    parseSdp(`${head}m=audio 1000 RTP/AVP 0\r\n${cands.split('\r\n').slice(0, 128).join('\r\n')}`).media.length,
    1,
  );
});
