import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alawToLinear,
  g711Decode,
  g711Encode,
  linearToAlaw,
  linearToUlaw,
  ulawToLinear,
} from '../../src/pstn-sim/g711.js';
import { decodeRtp, encodeRtp, isRtcp } from '../../src/pstn-sim/rtp-packet.js';
import { RtpReceiveStats } from '../../src/pstn-sim/rtp-receive-stats.js';
import { promptFrames, promptSamples } from '../../src/pstn-sim/tone.js';

test('G.711: reference code points (silence, extremes) and the sign convention of each law', () => {
  // ITU-T G.711: μ-law silence is 0xFF, A-law silence 0xD5; full scale 0x80 / 0x00 (negative 0x00 / 0x2A…).
  assert.equal(linearToUlaw(0), 0xff);
  assert.equal(linearToUlaw(32767), 0x80);
  assert.equal(linearToUlaw(-32768), 0x00);
  assert.equal(linearToAlaw(0), 0xd5);
  assert.equal(linearToAlaw(32767), 0xaa);
  assert.equal(linearToAlaw(-32768), 0x2a);
  assert.equal(ulawToLinear(0xff), 0);
  assert.equal(alawToLinear(0xd5), 8);
});

test('G.711: every code decodes and re-encodes to itself; encoding error stays within the segment step', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(linearToUlaw(ulawToLinear(c)), c === 0x7f ? 0xff : c, `μ-law ${c}`); // 0x7f is -0: same as 0xff
    assert.equal(linearToAlaw(alawToLinear(c)), c, `A-law ${c}`);
  }
  for (let s = -32768; s < 32768; s += 7) {
    const tol = Math.max(16, Math.abs(s) / 16 + 8); // 4-bit mantissa: a step of 1/16 of the segment
    assert.ok(Math.abs(ulawToLinear(linearToUlaw(s)) - Math.max(-32124, Math.min(32124, s))) <= tol, `μ ${s}`);
    assert.ok(Math.abs(alawToLinear(linearToAlaw(s)) - s) <= tol + 512, `A ${s}`);
  }
});

test('the prompt: 1 s of 20 ms frames, beeps with energy and silence after them, in both laws', () => {
  const pcm = promptSamples();
  assert.equal(pcm.length, 8000);
  for (const codec of ['PCMU', 'PCMA'] as const) {
    const frames = promptFrames(codec);
    assert.equal(frames.length, 50);
    assert.ok(frames.every((f) => f.length === 160));
    const energy = (f: Buffer): number => g711Decode(codec, f).reduce((a, s) => a + Math.abs(s), 0) / f.length;
    assert.ok(energy(frames[2] as Buffer) > 3000, 'a beep in frame 2');
    assert.ok(energy(frames[40] as Buffer) < 20, 'silence in frame 40');
    assert.deepEqual(g711Encode(codec, pcm.subarray(0, 160)), frames[0]);
  }
});

test('RTP: encode → decode keeps every header field; CSRC, extension and padding are skipped', () => {
  const payload = Buffer.from([1, 2, 3, 4]);
  const h = { payloadType: 8, sequence: 65535, timestamp: 4294967295, ssrc: 0xdeadbeef, marker: true };
  const b = encodeRtp(h, payload);
  assert.equal(b.length, 16);
  assert.equal(b[0], 0x80);
  assert.deepEqual({ ...decodeRtp(b), payload: undefined }, { ...h, payload: undefined });
  // One CSRC, a 1-word extension, 2 bytes of padding (RFC 3550 §5.1, §5.3.1).
  const fancy = Buffer.concat([
    Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2]),
    Buffer.from([0, 0, 0, 9]),
    Buffer.from([0xbe, 0xde, 0, 1, 7, 7, 7, 7]),
    Buffer.from([9, 9, 0, 2]),
  ]);
  assert.deepEqual(decodeRtp(fancy)?.payload, Buffer.from([9, 9]));
  for (const bad of [
    Buffer.alloc(11),
    Buffer.from('hello world, not rtp'),
    Buffer.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  ])
    assert.equal(decodeRtp(bad), null);
  assert.ok(isRtcp(Buffer.from([0x81, 200, 0, 6])));
  assert.ok(!isRtcp(b));
});

test('receive stats: loss from sequence gaps across the 16-bit wrap; a late packet is not loss', () => {
  const s = new RtpReceiveStats();
  s.telephoneEventPt = 101;
  const pkt = (seq: number, pt = 0, ssrc = 1): Buffer =>
    encodeRtp({ payloadType: pt, sequence: seq, timestamp: 0, ssrc, marker: false }, Buffer.alloc(160));
  for (const seq of [65533, 65534, 65535, 0, 3, 2]) s.add(pkt(seq), '127.0.0.1:4000', 1000 + seq);
  s.add(pkt(4, 101), '127.0.0.1:4000');
  s.add(pkt(10, 0, 2), '127.0.0.2:4000');
  s.add(Buffer.from('garbage!garbage!'), '127.0.0.1:9');
  s.add(Buffer.from([0x81, 201, 0, 1, 0, 0, 0, 0]), '127.0.0.1:4001');
  s.ignore();
  const r = s.report();
  assert.equal(r.packets, 8);
  assert.equal(r.bytes, 8 * 172);
  assert.equal(r.lost, 1, 'seq 1 never came; 2 came late, after 3');
  assert.deepEqual(r.sources, ['127.0.0.1:4000', '127.0.0.2:4000']);
  assert.deepEqual(r.payloadTypes, [0, 101]);
  assert.equal(r.telephoneEvents, 1);
  assert.equal(r.invalid, 1);
  assert.equal(r.rtcp, 1);
  assert.equal(r.ignored, 1);
});
