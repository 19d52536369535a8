import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SIP_PARSE_ERROR_CODES,
  SipParseError,
  SipStreamParser,
  badRequestResponse,
  parseMessage,
  parseNameAddr,
  parseSdp,
  parseUri,
  validateMessage,
} from '../../../src/sip/message/index.js';
import type { SipParseErrorCode } from '../../../src/sip/message/index.js';
import { sip } from './codec-helpers.js';

const VIA = 'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1';
const BASE = [VIA, 'From: <sip:a@example.com>;tag=1', 'To: <sip:b@example.com>', 'Call-ID: c1', 'CSeq: 1 OPTIONS'];

function req(...extra: string[]): Buffer {
  return sip(['OPTIONS sip:b@example.com SIP/2.0', ...BASE, ...extra]);
}

/** One input per code: every documented code is reachable, and none is dead. */
const EXAMPLES: Record<SipParseErrorCode, () => unknown> = {
  empty_message: () => parseMessage(Buffer.from('\r\n\r\n')),
  incomplete: () => parseMessage(Buffer.from('OPTIONS sip:b@example.com SIP/2.0\r\nVia: x\r\n')),
  bad_start_line: () => parseMessage(sip(['OPTIONS sip:b@example.com', ...BASE])),
  bad_version: () => parseMessage(sip(['OPTIONS sip:b@example.com SIP/3.0', ...BASE])),
  bad_status: () => parseMessage(sip(['SIP/2.0 99 Odd', ...BASE])),
  bad_request_uri: () => parseMessage(sip(['OPTIONS <sip:b@example.com> SIP/2.0', ...BASE])),
  bad_header: () => parseMessage(req('No colon here')),
  missing_header: () => validateMessage(parseMessage(sip(['OPTIONS sip:b@example.com SIP/2.0', VIA]))),
  duplicate_header: () => parseMessage(req('Call-ID: c2')),
  bad_content_length: () => parseMessage(req('Content-Length: -1')),
  content_length_mismatch: () => parseMessage(req('Content-Length: 10')),
  too_large: () => parseMessage(req(`X: ${'a'.repeat(70_000)}`)),
  too_many_headers: () => parseMessage(req(...Array.from({ length: 300 }, (_, i) => `X-${i}: v`))),
  line_too_long: () => parseMessage(req(`X: ${'a'.repeat(20_000)}`), { maxMessageSize: 100_000 }),
  bad_cseq: () => parseMessage(sip(['OPTIONS sip:b@example.com SIP/2.0', VIA, 'CSeq: x OPTIONS'])),
  cseq_method_mismatch: () => parseMessage(sip(['OPTIONS sip:b@example.com SIP/2.0', VIA, 'CSeq: 1 INVITE'])),
  bad_max_forwards: () => parseMessage(req('Max-Forwards: 256')),
  bad_call_id: () => parseMessage(sip(['OPTIONS sip:b@example.com SIP/2.0', VIA, 'Call-ID: a b'])),
  bad_via: () => parseMessage(sip(['OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP'])),
  bad_uri: () => parseUri('sip:'),
  bad_name_addr: () => parseNameAddr('<sip:a@b'),
  unterminated_quote: () => parseMessage(sip(['OPTIONS sip:b@example.com SIP/2.0', VIA, 'From: "open <sip:a@b>'])),
  bad_sdp: () => parseSdp('m=audio 1 RTP/AVP 0'),
};

test('every SipParseError code is reachable, with a message saying what was wrong', () => {
  assert.deepEqual(Object.keys(EXAMPLES).sort(), [...SIP_PARSE_ERROR_CODES].sort());
  for (const [code, fn] of Object.entries(EXAMPLES)) {
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof SipParseError, `${code}: ${String(err)}`);
      assert.equal(err.code, code, err.message);
      assert.equal(err.name, 'SipParseError');
      assert.ok(/^[\x20-\x7e]{5,120}$/.test(err.message), err.message);
      return true;
    });
  }
});

test('too_large is answered 513 (RFC 3261 §21.5.11), on datagrams and streams', () => {
  let err: unknown;
  try {
    parseMessage(req(`X: ${'a'.repeat(70_000)}`));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof SipParseError);
  assert.equal(badRequestResponse(err)?.status, 513);
  const p = new SipStreamParser({ maxBodySize: 10 });
  try {
    p.push(req('Content-Length: 11'));
    assert.fail('accepted an oversized body');
  } catch (e) {
    assert.ok(e instanceof SipParseError);
    assert.equal(badRequestResponse(e)?.status, 513);
  }
});
