import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  SipParseError,
  SipStreamParser,
  badRequestResponse,
  getHeader,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  serializeMessage,
} from '../../../src/sip/message/index.js';
import type { SipMessage, StreamItem } from '../../../src/sip/message/index.js';
import { FIXTURES_DIR, RFC4475_DIR, structure } from './codec-helpers.js';

/** Valid messages to mutate: the RFC 3665 fixtures and the RFC 4475 files that parse. */
const SEEDS: Buffer[] = [
  ...readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.sip'))
    .map((f) => readFileSync(path.join(FIXTURES_DIR, f))),
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

// A hang detector, generous because shared cores make single timings noisy (a parse takes far less).
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
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('insertText' as const),
    at: fc.nat(),
    text: fc.constantFrom('\r\n', ' ', ',', ';', ':', '"', '<', '>', '\\', '\r\n ', '%', '@', '=', '\0', '\n', '\r'),
  }),
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
        if (start !== -1 && end !== -1 && end > start)
          b = Buffer.concat([b.subarray(0, end), b.subarray(start, end), b.subarray(end)]);
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
  const sipish = fc.array(
    fc.constantFrom(
      'INVITE ',
      'SIP/2.0',
      ' ',
      '\r\n',
      'Via: ',
      'SIP/2.0/UDP h',
      ';branch=z9hG4bK',
      'From: ',
      'To: ',
      '<sip:a@b>',
      '"',
      ',',
      'CSeq: 1 INVITE',
      'Call-ID: x',
      'l: 0',
      'Content-Length: 5',
      'sip:x@y',
      ':',
      ';',
      '\t',
    ),
    { maxLength: 60 },
  );
  fc.assert(
    fc.property(sipish, (parts) => parseChecked(Buffer.from(parts.join('')))),
    { seed: 2, numRuns: 1000 },
  );
});

test('mutated valid messages never throw anything but SipParseError; what parses round-trips', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: SEEDS.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      (i, muts) => {
        parseChecked(mutate(SEEDS[i]!, muts));
      },
    ),
    { seed: 3261, numRuns: 3000 },
  );
});

/**
 * A canonical INVITE (what the serializer writes) around the given octets, so a byte-transparent codec writes it back
 * identically.
 */
function octetInvite(display: Buffer, value: Buffer, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      'INVITE sip:+15551230000@example.com SIP/2.0\r\nVia: SIP/2.0/UDP ' +
        '192.0.2.1:5060;branch=z9hG4bK-o\r\nMax-Forwards: 70\r\nFrom: "',
    ),
    display,
    Buffer.from(
      '" <sip:+15550001111@example.org>;tag=f1\r\nTo: <sip:+15551230000@example.com>\r\nCall-ID: ' +
        'octets@192.0.2.1\r\nCSeq: 1 INVITE\r\nX-Octets: <',
    ),
    value,
    Buffer.from(`>\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`),
    body,
  ]);
}

/** parse → serialize gives the same octets, by datagram and by stream cut at `cut`; returns the parsed message. */
function assertByteTransparent(wire: Buffer, cut: number): SipMessage {
  const msg = parseMessage(wire);
  assert.deepEqual(serializeMessage(msg), wire);
  const p = new SipStreamParser();
  const at = cut % (wire.length + 1);
  const items = [...p.push(wire.subarray(0, at)), ...p.push(wire.subarray(at))];
  assert.equal(items.length, 1);
  assert.equal(p.pendingBytes, 0);
  const streamed = items[0]!.type === 'message' ? items[0]!.message : assert.fail('not a message');
  assert.deepEqual(serializeMessage(streamed), wire);
  return msg;
}

test('octets that are not UTF-8 in a display name and an unknown header are kept and written back as they came', () => {
  const bad = Buffer.from([0xc0, 0xff, 0x80]);
  const wire = octetInvite(
    Buffer.concat([Buffer.from('A '), bad, Buffer.from(' Z')]),
    bad,
    Buffer.from('v=0\r\ns=\xe9t\xe9 \u260e\r\n'),
  );
  const msg = assertByteTransparent(wire, 200);
  assert.equal(getHeader(msg, 'x-octets'), '<\xc0\xff\x80>');
  assert.equal(parseNameAddr(getHeader(msg, 'from')!).displayName, 'A \xc0\xff\x80 Z');
});

test(
  'property: arbitrary octets in header values, a display name, a reason phrase and the body round-trip ' + 'exactly',
  () => {
    // Anything but CR, LF, NUL (framing) in a value; a quoted display name also without DQUOTE and backslash.
    const valueOctet = fc.integer({ min: 1, max: 255 }).filter((b) => b !== 10 && b !== 13);
    const displayOctet = valueOctet.filter((b) => b !== 0x22 && b !== 0x5c);
    fc.assert(
      fc.property(
        fc.array(valueOctet, { maxLength: 300 }),
        fc.array(displayOctet, { maxLength: 60 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(),
        (value, display, body, cut) => {
          const msg = assertByteTransparent(
            octetInvite(Buffer.from(display), Buffer.from(value), Buffer.from(body)),
            cut,
          );
          assert.equal(getHeader(msg, 'x-octets'), `<${Buffer.from(value).toString('latin1')}>`);
          assert.deepEqual(msg.body, Buffer.from(body));
        },
      ),
      { seed: 166, numRuns: 500 },
    );
    // Reason phrase: any octet but controls (RFC 3261 §25.1 reserved / unreserved / UTF8-NONASCII and friends).
    const reasonOctet = fc.integer({ min: 32, max: 255 }).filter((b) => b !== 127);
    fc.assert(
      fc.property(fc.array(reasonOctet, { maxLength: 80 }), fc.nat(), (reason, cut) => {
        const wire = Buffer.concat([
          Buffer.from('SIP/2.0 486 '),
          Buffer.from(reason),
          Buffer.from(
            '\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-o\r\nFrom: <sip:a@example.org>;tag=f1\r\nTo: ' +
              '<sip:b@example.com>;tag=t1\r\nCall-ID: r@192.0.2.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
          ),
        ]);
        const msg = assertByteTransparent(wire, cut);
        assert.equal(msg.kind === 'response' && msg.reason, Buffer.from(reason).toString('latin1'));
      }),
      { seed: 72, numRuns: 300 },
    );
  },
);

test('structured parsers only ever throw SipParseError', () => {
  const text = fc.string({
    unit: fc.constantFrom(...'sip:@;=,<>"\\ \t[]/.?&%0aZ:-tag branch SIP/2.0/UDP 1.2.3.4 rport'.split('')),
    maxLength: 60,
  });
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
  const piece = fc.oneof(
    fc.integer({ min: 0, max: framed.length - 1 }).map((i) => framed[i]!),
    fc.constant(Buffer.from('\r\n\r\n')),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (pieces, cuts) => {
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
      },
    ),
    { seed: 5626, numRuns: 300 },
  );
});

test('the stream parser fed random or mutated bytes only throws SipParseError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: SEEDS.length - 1 }),
      fc.array(mutation, { maxLength: 3 }),
      fc.nat(),
      (i, muts, cut) => {
        const data = mutate(SEEDS[i]!, muts);
        const p = new SipStreamParser();
        const at = data.length === 0 ? 0 : cut % data.length;
        try {
          p.push(data.subarray(0, at));
          p.push(data.subarray(at));
        } catch (err) {
          if (!(err instanceof SipParseError)) throw err;
        }
      },
    ),
    { seed: 18, numRuns: 2000 },
  );
});

/** Milliseconds of CPU this process used since `from` (user + system, every thread). */
function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

test('pathological inputs stay linear: long whitespace runs in folded headers, one-octet trickles', () => {
  const big = { maxMessageSize: 400_000, maxHeaderLineLength: 200_000, maxBodySize: 300_000 };
  // A fold after a long run of spaces: a /[ \t]*\r\n[ \t]+/ replace would backtrack quadratically.
  const spaces = Buffer.from(`OPTIONS sip:b@example.com SIP/2.0\r\nX: a${' '.repeat(150_000)}b\r\n c\r\nl: 0\r\n\r\n`);
  // Measured in CPU time of this process: a busy machine stretches wall time, not the work done.
  let t0 = process.cpuUsage();
  assert.equal(parseMessage(spaces, big).headers[0]!.value, `a${' '.repeat(150_000)}b c`);
  const foldMs = cpuMs(t0);
  assert.ok(foldMs < 500, `folded header took ${foldMs} ms of CPU`);
  // 200 KB pushed one octet at a time: no recopying or rescanning of what is already held.
  const msg = Buffer.concat([
    Buffer.from(
      'MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nX-Long: ' +
        'b'.repeat(100_000) +
        '\r\nCSeq: 1 MESSAGE\r\nContent-Length: 100000\r\n\r\n',
    ),
    Buffer.alloc(100_000, 0x61),
  ]);
  const p = new SipStreamParser(big);
  let n = 0;
  t0 = process.cpuUsage();
  for (let i = 0; i < msg.length; i++) n += p.push(msg.subarray(i, i + 1)).length;
  const ms = cpuMs(t0);
  assert.equal(n, 1);
  assert.ok(ms < 3000, `one-octet trickle of ${msg.length} octets took ${ms} ms of CPU`);
});
