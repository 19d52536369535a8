import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  SipStreamParser,
  badRequestResponse,
  getHeader,
  octetsToText,
  parseMessage,
  serializeMessage,
  validateMessage,
} from '../../../src/sip/message/index.js';
import type { SipParseErrorCode } from '../../../src/sip/message/index.js';
import { FIXTURES_DIR, RFC4475_DIR, assertRejected, assertRoundTrip, structure } from './codec-helpers.js';

/**
 * Expected outcome of each RFC 4475 torture message. The MANIFEST's third column is one library's
 * opinion; the RFC text is the authority, and where they differ the RFC wins (noted below).
 */
const EXPECTED: Record<string, 'parse' | SipParseErrorCode> = {
  'wsinv.dat': 'parse', // §3.1.1.1
  'intmeth.dat': 'parse', // §3.1.1.2
  'esc01.dat': 'parse', // §3.1.1.3
  'escnull.dat': 'parse', // §3.1.1.4
  'esc02.dat': 'parse', // §3.1.1.5
  'lwsdisp.dat': 'parse', // §3.1.1.6
  'longreq.dat': 'parse', // §3.1.1.7
  'dblreq.dat': 'parse', // §3.1.1.8: octets past Content-Length ignored
  'semiuri.dat': 'parse', // §3.1.1.9
  'transports.dat': 'parse', // §3.1.1.10
  'mpart01.dat': 'parse', // §3.1.1.11
  'unreason.dat': 'parse', // §3.1.1.12
  'noreason.dat': 'parse', // §3.1.1.13
  'badinv01.dat': 'bad_via', // §3.1.2.1: ";;,;,," in Via
  'clerr.dat': 'content_length_mismatch', // §3.1.2.2
  'ncl.dat': 'bad_content_length', // §3.1.2.3
  'scalar02.dat': 'bad_cseq', // §3.1.2.4: the 400 is "due to the CSeq error"
  'scalarlg.dat': 'bad_cseq', // §3.1.2.5
  'quotbal.dat': 'unterminated_quote', // §3.1.2.6
  'ltgtruri.dat': 'bad_request_uri', // §3.1.2.7
  'lwsruri.dat': 'bad_start_line', // §3.1.2.8
  'lwsstart.dat': 'bad_start_line', // §3.1.2.9
  'trws.dat': 'bad_start_line', // §3.1.2.10
  'escruri.dat': 'parse', // §3.1.2.11: an element may process it
  'baddate.dat': 'parse', // §3.1.2.12
  'regbadct.dat': 'parse', // §3.1.2.13
  'badaspec.dat': 'parse', // §3.1.2.14
  'baddn.dat': 'parse', // §3.1.2.15
  'badvers.dat': 'bad_version', // §3.1.2.16 (answered 505)
  'mismatch01.dat': 'cseq_method_mismatch', // §3.1.2.17
  'mismatch02.dat': 'cseq_method_mismatch', // §3.1.2.18
  'bigcode.dat': 'bad_status', // §3.1.2.19
  'badbranch.dat': 'parse', // §3.2.1
  'insuf.dat': 'parse', // §3.3.1: valid syntax; validateMessage rejects it
  'unkscm.dat': 'parse', // §3.3.2
  'novelsc.dat': 'parse', // §3.3.3
  'unksm2.dat': 'parse', // §3.3.4
  'bext01.dat': 'parse', // §3.3.5
  'invut.dat': 'parse', // §3.3.6
  'regaut01.dat': 'parse', // §3.3.7
  'multi01.dat': 'duplicate_header', // §3.3.8
  'mcl01.dat': 'duplicate_header', // §3.3.9
  'bcast.dat': 'parse', // §3.3.10
  'zeromf.dat': 'parse', // §3.3.11
  'cparam01.dat': 'parse', // §3.3.12
  'cparam02.dat': 'parse', // §3.3.13
  'regescrt.dat': 'parse', // §3.3.14
  'sdp01.dat': 'parse', // §3.3.15
  // §3.4.1: "a legal message per RFC 2543 ... that should be accepted by RFC 3261 elements that
  // want to maintain backwards compatibility" (no branch, no Content-Length: the rest of the
  // datagram is the body). The MANIFEST says reject; the RFC says accept.
  'inv2543.dat': 'parse',
  // Not from RFC 4475: a request line without SIP version and a header line without colon.
  'test.dat': 'bad_start_line',
};

function read(dir: string, file: string): Buffer {
  return readFileSync(path.join(dir, file));
}

test('every file in the RFC 4475 directory and MANIFEST has an expected outcome', () => {
  const files = readdirSync(RFC4475_DIR)
    .filter((f) => f.endsWith('.dat'))
    .sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
  const manifest = readFileSync(path.join(RFC4475_DIR, 'MANIFEST.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('|')[0]!.trim());
  for (const f of manifest) assert.ok(f in EXPECTED, f);
});

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`RFC 4475 ${file}: ${expected}`, () => {
    const data = read(RFC4475_DIR, file);
    if (expected === 'parse') assertRoundTrip(data);
    else assertRejected(data, expected);
  });
}

test('RFC 4475 §3.1.1.8 dblreq: only the first request, trailing octets ignored', () => {
  const msg = parseMessage(read(RFC4475_DIR, 'dblreq.dat'));
  assert.equal(msg.kind === 'request' && msg.method, 'REGISTER');
  assert.equal(msg.body.length, 0);
});

test('RFC 4475 §3.1.1.1 wsinv: folding, odd spacing and case are understood', () => {
  const msg = parseMessage(read(RFC4475_DIR, 'wsinv.dat'));
  assert.equal(getHeader(msg, 'To'), 'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
  assert.equal(getHeader(msg, 'max-forwards'), '0068');
  assert.equal(getHeader(msg, 'cseq'), '0009 INVITE');
  assert.equal(getHeader(msg, 'subject'), '');
  assert.equal(getHeader(msg, 'newfangledheader'), 'newfangled value continued newfangled value');
  assert.equal(msg.headers.filter((h) => h.name === 'via').length, 2);
  assert.equal(msg.body.length, 150);
});

test(
  'RFC 4475 §3.1.1.2 intmeth: UTF-8 values kept as octets and readable as text, NUL quoted-pair kept and written ' +
    'back',
  () => {
    const data = read(RFC4475_DIR, 'intmeth.dat');
    const msg = parseMessage(data);
    assert.equal(msg.kind === 'request' && msg.method, "!interesting-Method0123456789_*+`.%indeed'~");
    assert.match(octetsToText(getHeader(msg, 'from')!), /fromParam.*="работающий"/u);
    assert.ok(serializeMessage(msg).includes(Buffer.from('="работающий"', 'utf8')));
    assert.ok(getHeader(msg, 'to')!.includes('\\\0'));
    assert.ok(serializeMessage(msg).includes(Buffer.from('NUL:\\\0')));
  },
);

test('RFC 4475 §3.3.1 insuf: parses, validateMessage says what is missing, 400 names it', () => {
  const msg = parseMessage(read(RFC4475_DIR, 'insuf.dat'));
  try {
    validateMessage(msg);
    assert.fail('validateMessage accepted a request without Call-ID');
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'missing_header');
    const res = badRequestResponse(err as never, { toTag: 'x1' });
    assert.ok(res !== null);
    assert.equal(res.status, 400);
    assert.equal(res.reason, 'Bad Request (Missing Call-ID)');
    assert.deepEqual(
      res.headers.map((h) => h.name),
      ['cseq', 'via', 'content-length'], // wire order of what could be copied
    );
  }
});

const FIXTURES = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith('.sip'))
  .sort();

test('RFC 3665 fixtures are present', () => {
  assert.ok(FIXTURES.length >= 10, FIXTURES.join(','));
});

for (const file of FIXTURES) {
  test(`RFC 3665 ${file}: round trip, valid, and framed identically on a stream`, () => {
    const data = read(FIXTURES_DIR, file);
    const msg = assertRoundTrip(data);
    validateMessage(msg);
    const parser = new SipStreamParser();
    const items = parser.push(Buffer.concat([data, data]));
    assert.equal(items.length, 2);
    for (const item of items) {
      assert.equal(item.type, 'message');
      if (item.type === 'message') assert.deepEqual(structure(item.message), structure(msg));
    }
    assert.equal(parser.pendingBytes, 0);
  });
}

test('datagrams: leading CRLFs are skipped (RFC 3261 §7.5); without Content-Length the rest is the body', () => {
  const bye = read(FIXTURES_DIR, 'rfc3665-3.1-f5-bye.sip');
  const msg = parseMessage(Buffer.concat([Buffer.from('\r\n\r\n\r\n'), bye]));
  assert.deepEqual(structure(msg), structure(parseMessage(bye)));
  const noLength = Buffer.from(
    'MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 MESSAGE\r\n\r\nhello\r\n',
  );
  assert.equal(parseMessage(noLength).body.toString(), 'hello\r\n');
});
