import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SipParseError, SipStreamParser, badRequestResponse, parseMessage } from '../../../src/sip/message/index.js';
import type { StreamItem } from '../../../src/sip/message/index.js';
import { FIXTURES_DIR, sip, structure } from './codec-helpers.js';

const INVITE = readFileSync(path.join(FIXTURES_DIR, 'rfc3665-3.1-f1-invite.sip'));
const BYE = readFileSync(path.join(FIXTURES_DIR, 'rfc3665-3.1-f5-bye.sip'));

function kinds(items: StreamItem[]): string[] {
  return items.map((i) =>
    i.type === 'message'
      ? i.message.kind === 'request'
        ? i.message.method
        : String(i.message.status)
      : `ka:${i.pong}`,
  );
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SipParseError, String(err));
    return err.code;
  }
  return 'no error';
}

test('frames pipelined messages by Content-Length and keeps leftovers', () => {
  const p = new SipStreamParser();
  const all = Buffer.concat([INVITE, BYE, INVITE]);
  const cut = INVITE.length + 10;
  assert.deepEqual(kinds(p.push(all.subarray(0, cut))), ['INVITE']);
  assert.equal(p.pendingBytes, 10);
  assert.deepEqual(kinds(p.push(all.subarray(cut, all.length - 1))), ['BYE']);
  assert.deepEqual(kinds(p.push(all.subarray(all.length - 1))), ['INVITE']);
  assert.equal(p.pendingBytes, 0);
});

test('byte-by-byte feeding yields the same messages with the right bodies', () => {
  const p = new SipStreamParser();
  const items: StreamItem[] = [];
  const all = Buffer.concat([INVITE, BYE]);
  for (let i = 0; i < all.length; i++) items.push(...p.push(all.subarray(i, i + 1)));
  assert.deepEqual(kinds(items), ['INVITE', 'BYE']);
  const first = items[0]!;
  assert.ok(first.type === 'message');
  assert.deepEqual(structure(first.message), structure(parseMessage(INVITE)));
});

test('RFC 5626 §4.4.1 keep-alives: CRLFCRLF ping asks for a pong, a lone CRLF is skipped', () => {
  const p = new SipStreamParser();
  assert.deepEqual(kinds(p.push(Buffer.from('\r\n\r\n'))), ['ka:true']);
  assert.deepEqual(kinds(p.push(Buffer.from('\r\n'))), []);
  assert.deepEqual(kinds(p.push(BYE)), ['BYE']);
  assert.deepEqual(
    kinds(p.push(Buffer.concat([Buffer.from('\r\n\r\n'), BYE, Buffer.from('\r\n'), BYE, Buffer.from('\r\n\r\n')]))),
    ['ka:true', 'BYE', 'BYE', 'ka:true'],
  );
  // A ping split across pushes is still one ping.
  assert.deepEqual(kinds(p.push(Buffer.from('\r\n\r'))), []);
  assert.deepEqual(kinds(p.push(Buffer.from('\n'))), ['ka:true']);
  assert.equal(p.pendingBytes, 0);
});

test('Content-Length is required on a stream (RFC 3261 §18.3)', () => {
  const p = new SipStreamParser();
  const noLength = sip([
    'OPTIONS sip:a@b SIP/2.0',
    'Via: SIP/2.0/TCP h;branch=z9hG4bK1',
    'From: <sip:a@b>;tag=1',
    'To: <sip:a@b>',
    'Call-ID: c',
    'CSeq: 1 OPTIONS',
  ]);
  let err: unknown;
  try {
    p.push(noLength);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof SipParseError);
  assert.equal(err.code, 'missing_header');
  const res = badRequestResponse(err, { toTag: 't' });
  assert.ok(res !== null);
  assert.equal(res.reason, 'Bad Request (Missing Content-Length (required on streams))');
  assert.equal(res.headers.find((h) => h.name === 'to')?.value, '<sip:a@b>;tag=t');
});

test('limits are enforced before the buffer grows past them', () => {
  const lim = {
    maxMessageSize: 2000,
    maxHeaderLineLength: 200,
    maxStartLineLength: 100,
    maxHeaders: 10,
    maxBodySize: 500,
  };
  // Endless header section without an empty line: refused once it passes maxMessageSize.
  let p = new SipStreamParser(lim);
  p.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n'));
  let failed = '';
  for (let i = 0; i < 100 && failed === ''; i++) {
    failed = code(() => p.push(Buffer.from(`X-${i}: ${'a'.repeat(50)}\r\n`)));
    if (failed === 'no error') failed = '';
    assert.ok(p.pendingBytes <= lim.maxMessageSize + 100);
  }
  assert.ok(['too_large', 'too_many_headers'].includes(failed), failed);
  // One endless line: refused as soon as it is longer than the limit, without waiting for CRLF.
  p = new SipStreamParser(lim);
  p.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nX: '));
  assert.equal(
    code(() => p.push(Buffer.alloc(300, 0x61))),
    'line_too_long',
  );
  p = new SipStreamParser(lim);
  assert.equal(
    code(() => p.push(Buffer.alloc(150, 0x61))),
    'line_too_long',
  );
  // Too many headers.
  p = new SipStreamParser(lim);
  const many = sip([
    'OPTIONS sip:a@b SIP/2.0',
    ...Array.from({ length: 11 }, (_, i) => `X-${i}: v`),
    'Content-Length: 0',
  ]);
  assert.equal(
    code(() => p.push(many)),
    'too_many_headers',
  );
  // A body larger than allowed is refused from its Content-Length, before it arrives.
  p = new SipStreamParser(lim);
  const big = sip([
    'MESSAGE sip:a@b SIP/2.0',
    'Via: SIP/2.0/TCP h;branch=z9hG4bK1',
    'CSeq: 1 MESSAGE',
    'Content-Length: 501',
  ]);
  assert.equal(
    code(() => p.push(big)),
    'too_large',
  );
  assert.equal(p.pendingBytes, 0);
  // Default limits accept 60 KB of ordinary pipelined traffic (what the npm sip package cut off).
  p = new SipStreamParser();
  const many2 = Buffer.concat(Array.from({ length: 150 }, () => INVITE));
  assert.ok(many2.length > 60_000);
  assert.equal(p.push(many2).length, 150);
});

test('garbage on the stream throws a SipParseError with what could be salvaged', () => {
  const p = new SipStreamParser();
  const err = (() => {
    try {
      p.push(
        sip(['INVITE  sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'Call-ID: x', 'CSeq: 1 INVITE', 'l: 0']),
      );
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(err instanceof SipParseError);
  assert.equal(err.code, 'bad_start_line');
  assert.equal(err.partial?.kind, 'request');
  assert.equal(err.partial?.method, 'INVITE');
  assert.deepEqual(
    err.partial?.headers.map((h) => h.name),
    ['via', 'call-id', 'cseq'],
  );
});
