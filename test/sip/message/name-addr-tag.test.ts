import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, getHeader, hasToTag, nameAddrTag, parseMessage } from '../../../src/sip/index.js';
import type { SipRequest } from '../../../src/sip/index.js';

// RFC 3261 §19.3 / §20.10: only the header's own parameters; a bracketed URI's and quoted text do not count.
const CASES: Array<[string, string | null]> = [
  ['<sip:bob@example.com>;tag=abc', 'abc'],
  ['<sip:bob@example.com> ; TAG = abc ;x=1', 'abc'],
  ['sip:bob@example.com;tag=a1b2', 'a1b2'],
  ['"Bob" <sip:bob@example.com>;tag=9fxced76sl', '9fxced76sl'],
  ['<sip:bob@example.com;tag=inside>', null],
  ['<sip:bob@example.com;tag=inside>;x=1', null],
  ['"Bob;tag=1" <sip:bob@example.com>', null],
  ['"a>;tag=1" <sip:bob@example.com>', null],
  ['<sip:bob@example.com>;note="x;tag=1"', null],
  ['<sip:bob@example.com>;note="x\\";tag=1";tag=real', 'real'],
  ['<sip:bob@example.com>;tagx=1', null],
  ['<sip:bob@example.com>;tag', null],
  ['<sip:bob@example.com>;tag=', null],
  ['<sip:bob@example.com', null],
  ['', null],
];

test('nameAddrTag reads the tag header parameter only', () => {
  for (const [value, want] of CASES) assert.equal(nameAddrTag(value), want, value);
});

const request = (to: string | null): ReturnType<typeof parseMessage> =>
  parseMessage(
    Buffer.from(
      `BYE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n` +
        `From: <sip:alice@example.com>;tag=1\r\n${to === null ? '' : `t: ${to}\r\n`}Call-ID: c1\r\nCSeq: 1 BYE\r\n` +
        `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
    ),
  );

test('hasToTag: a To with a tag (compact form too) marks an in-dialog request (RFC 3261 §12.2)', () => {
  assert.equal(hasToTag(request('<sip:bob@example.com>;tag=x')), true);
  assert.equal(hasToTag(request('<sip:bob@example.com;tag=x>')), false);
  assert.equal(hasToTag(request('<sip:bob@example.com>;note="x;tag=1"')), false);
  assert.equal(hasToTag(request(null)), false);
});

// A UAS adds its To tag exactly when the request is not in a dialog by the same reading (§8.2.6.2).
test('createResponse adds a To tag exactly when nameAddrTag finds none', () => {
  for (const [value, tag] of CASES) {
    if (value === '') continue;
    const req: SipRequest = {
      kind: 'request',
      method: 'OPTIONS',
      uri: 'sip:bob@example.com',
      version: 'SIP/2.0',
      body: Buffer.alloc(0),
      headers: [
        { name: 'via', value: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1' },
        { name: 'to', value },
        { name: 'call-id', value: 'c1' },
      ],
    };
    const res = createResponse(req, 200, undefined, { toTag: 'mine' });
    const to = getHeader(res, 'to') ?? '';
    assert.equal(to.endsWith(';tag=mine'), tag === null, value);
  }
});
