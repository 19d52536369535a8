import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  SipParseError,
  SipStreamParser,
  badRequestResponse,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  serializeMessage,
} from '../../../src/sip/message/index.js';
import type { StreamItem } from '../../../src/sip/message/index.js';
import { FIXTURES_DIR, RFC4475_DIR, structure } from './codec-helpers.js';

/** Valid messages to mutate: the RFC 3665 fixtures and the RFC 4475 files that parse. */
const SEEDS: Buffer[] = [
  ...readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.sip')).map((f) => readFileSync(path.join(FIXTURES_DIR, f))),
  ...readdirSync(RFC4475_DIR)
    .filter((f) => f.endsWith('.dat'))
    .map((f) => readFileSync(path.join(RFC4475_DIR, f)))
    .filter((b) => {
      try {
        parseMessage(b);
        return true;
      } catch {
        return false;
      }
    }),
];

// A hang detector, generous because 2 shared cores make single timings noisy (typical parse: ~10 µs).
const SLOW_MS = 1000;

/** Parses; a success must round-trip through the serializer; a failure must be a SipParseError. */
function parseChecked(data: Buffer): void {
  const t0 = performance.now();
  let ok = false;
  try {
    const msg = parseMessage(data);
    ok = true;
    const again = parseMessage(serializeMessage(msg));
    assert.deepEqual(structure(again), structure(msg));
  } catch (err) {
    if (ok) throw err;
    if (!(err instanceof SipParseError)) throw err;
    badRequestResponse(err); // must not throw either
  }
  assert.ok(performance.now() - t0 < SLOW_MS, 'parse took too long');
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insertText' as const), at: fc.nat(), text: fc.constantFrom('\r\n', ' ', ',', ';', ':', '"', '<', '>', '\\', '\r\n ', '%', '@', '=', '\0', '\n', '\r') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: Buffer, muts: Mutation[]): Buffer {
  let b = Buffer.from(src);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    switch (m.kind) {
      case 'set':
        if (b.length > 0) b[at] = m.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      case 'insertText':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text, 'latin1'), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'duplicateLine': {
        const start = b.lastIndexOf('\r\n', at);
        const end = b.indexOf('\r\n', at);
        if (start !== -1 && end !== -1 && end > start) b = Buffer.concat([b.subarray(0, end), b.subarray(start, end), b.subarray(end)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

test('random bytes never throw anything but SipParseError, and finish quickly', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => parseChecked(Buffer.from(bytes))),
    { seed: 1, numRuns: 1000 },
  );
  // Random text that looks a little like SIP.
  const sipish = fc.array(fc.constantFrom('INVITE ', 'SIP/2.0', ' ', '\r\n', 'Via: ', 'SIP/2.0/UDP h', ';branch=z9hG4bK', 'From: ', 'To: ', '<sip:a@b>', '"', ',', 'CSeq: 1 INVITE', 'Call-ID: x', 'l: 0', 'Content-Length: 5', 'sip:x@y', ':', ';', '\t'), { maxLength: 60 });
  fc.assert(
    fc.property(sipish, (parts) => parseChecked(Buffer.from(parts.join('')))),
    { seed: 2, numRuns: 1000 },
  );
});

test('mutated valid messages never throw anything but SipParseError; what parses round-trips', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, muts) => {
      parseChecked(mutate(SEEDS[i]!, muts));
    }),
    { seed: 3261, numRuns: 3000 },
  );
});

test('structured parsers only ever throw SipParseError', () => {
  const text = fc.string({ unit: fc.constantFrom(...'sip:@;=,<>"\\ \t[]/.?&%0aZ:-tag branch SIP/2.0/UDP 1.2.3.4 rport'.split('')), maxLength: 60 });
  fc.assert(
    fc.property(fc.oneof(text, fc.string({ maxLength: 60 })), (s) => {
      for (const fn of [parseUri, parseNameAddr, parseVia, parseCSeq]) {
        try {
          fn(s);
        } catch (err) {
          if (!(err instanceof SipParseError)) throw err;
        }
      }
    }),
    { seed: 7, numRuns: 3000 },
  );
});

function collect(chunks: Buffer[]): StreamItem[] {
  const p = new SipStreamParser();
  const items: StreamItem[] = [];
  for (const c of chunks) items.push(...p.push(c));
  assert.equal(p.pendingBytes, 0);
  return items;
}

function summary(items: StreamItem[]): unknown[] {
  return items.map((i) => (i.type === 'message' ? structure(i.message) : i));
}

test('the stream parser yields the same items however the bytes are chunked', () => {
  // Messages with Content-Length (streams require it) mixed with keep-alive pings.
  // Re-serialized, so each carries a Content-Length equal to its body (dblreq's second request does not).
  const framed = SEEDS.map((b) => serializeMessage(parseMessage(b)));
  const piece = fc.oneof(fc.integer({ min: 0, max: framed.length - 1 }).map((i) => framed[i]!), fc.constant(Buffer.from('\r\n\r\n')));
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (pieces, cuts) => {
      const all = Buffer.concat(pieces);
      const whole = collect([all]);
      const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of points) {
        chunks.push(all.subarray(prev, p));
        prev = p;
      }
      chunks.push(all.subarray(prev));
      assert.deepEqual(summary(collect(chunks)), summary(whole));
      assert.equal(whole.filter((i) => i.type === 'message').length, pieces.filter((p) => p.length > 4).length);
      assert.equal(whole.filter((i) => i.type === 'keepalive').length, pieces.filter((p) => p.length === 4).length);
    }),
    { seed: 5626, numRuns: 300 },
  );
});

test('the stream parser fed random or mutated bytes only throws SipParseError', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(mutation, { maxLength: 3 }), fc.nat(), (i, muts, cut) => {
      const data = mutate(SEEDS[i]!, muts);
      const p = new SipStreamParser();
      const at = data.length === 0 ? 0 : cut % data.length;
      try {
        p.push(data.subarray(0, at));
        p.push(data.subarray(at));
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }),
    { seed: 18, numRuns: 2000 },
  );
});

test('pathological inputs stay linear: long whitespace runs in folded headers, one-octet trickles', () => {
  const big = { maxMessageSize: 400_000, maxHeaderLineLength: 200_000, maxBodySize: 300_000 };
  // A fold after a long run of spaces: a /[ \t]*\r\n[ \t]+/ replace would backtrack quadratically.
  const spaces = Buffer.from('OPTIONS sip:b@example.com SIP/2.0\r\nX: a' + ' '.repeat(150_000) + 'b\r\n c\r\nl: 0\r\n\r\n');
  let t0 = performance.now();
  assert.equal(parseMessage(spaces, big).headers[0]!.value, 'a' + ' '.repeat(150_000) + 'b c');
  assert.ok(performance.now() - t0 < 500, `folded header took ${performance.now() - t0} ms`);
  // 200 KB pushed one octet at a time: no recopying or rescanning of what is already held.
  const msg = Buffer.concat([
    Buffer.from('MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nX-Long: ' + 'b'.repeat(100_000) + '\r\nCSeq: 1 MESSAGE\r\nContent-Length: 100000\r\n\r\n'),
    Buffer.alloc(100_000, 0x61),
  ]);
  const p = new SipStreamParser(big);
  let n = 0;
  t0 = performance.now();
  for (let i = 0; i < msg.length; i++) n += p.push(msg.subarray(i, i + 1)).length;
  const ms = performance.now() - t0;
  assert.equal(n, 1);
  assert.ok(ms < 3000, `one-octet trickle of ${msg.length} octets took ${ms} ms`);
});
