import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  SipParseError,
  badRequestResponse,
  createResponse,
  getHeader,
  getHeaderValues,
  nameAddrTag,
  parseMessage,
  parseNameAddr,
  reasonPhrase,
  serializeMessage,
} from '../../../src/sip/message/index.js';
import type { SipRequest } from '../../../src/sip/message/index.js';
import { FIXTURES_DIR, RFC4475_DIR, sip } from './codec-helpers.js';

function parseError(data: Buffer): SipParseError {
  try {
    parseMessage(data);
  } catch (err) {
    assert.ok(err instanceof SipParseError);
    return err;
  }
  assert.fail('expected a parse error');
}

test('createResponse copies Via(s), From, To (+tag), Call-ID, CSeq (RFC 3261 §8.2.6.2)', () => {
  const req = parseMessage(
    sip(
      [
        'INVITE sip:bob@biloxi.example.com SIP/2.0',
        'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP p2.example.com;branch=z9hG4bK2',
        'Via: SIP/2.0/UDP client.example.com;branch=z9hG4bK3;received=192.0.2.1',
        'Record-Route: <sip:p1.example.com;lr>',
        'Max-Forwards: 68',
        'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
        'To: sip:bob@biloxi.example.com',
        'Call-ID: 3848276298220188511@atlanta.example.com',
        'CSeq: 1 INVITE',
        'Timestamp: 54',
        'Content-Type: application/sdp',
        'Content-Length: 4',
      ],
      'v=0\n',
    ),
  ) as SipRequest;
  const trying = createResponse(req, 100);
  assert.equal(trying.reason, 'Trying');
  assert.deepEqual(
    trying.headers.map((h) => h.name),
    ['via', 'via', 'from', 'to', 'call-id', 'cseq', 'timestamp', 'content-length'],
  );
  assert.equal(getHeader(trying, 'to'), 'sip:bob@biloxi.example.com');
  const ok = createResponse(req, 200, undefined, {
    toTag: '8321234356',
    headers: [{ name: 'contact', value: '<sip:bob@192.0.2.4>' }],
    body: Buffer.from('v=0\r\n'),
  });
  assert.equal(ok.reason, 'OK');
  assert.deepEqual(getHeaderValues(ok, 'via'), getHeaderValues(req, 'via'));
  assert.equal(parseNameAddr(getHeader(ok, 'to')!).params.get('tag'), '8321234356');
  assert.equal(getHeader(ok, 'record-route'), '<sip:p1.example.com;lr>');
  assert.equal(getHeader(ok, 'max-forwards'), null);
  const wire = parseMessage(serializeMessage(ok));
  assert.equal(getHeader(wire, 'content-length'), '5');
  assert.equal(wire.body.toString(), 'v=0\r\n');
  // An existing To tag is kept, not doubled; a non-dialog response carries no Record-Route.
  const bye = parseMessage(readFileSync(path.join(FIXTURES_DIR, 'rfc3665-3.1-f5-bye.sip'))) as SipRequest;
  const byeOk = createResponse(bye, 200, 'OK', { toTag: 'other' });
  assert.equal(getHeader(byeOk, 'to'), getHeader(bye, 'to'));
  const busy = createResponse(req, 486, undefined, { toTag: 'b' });
  assert.equal(busy.reason, 'Busy Here');
  assert.equal(getHeader(busy, 'record-route'), null);
});

test('reason phrases cover RFC 3261 codes and fall back to the class', () => {
  const rfc3261: Record<number, string> = {
    180: 'Ringing',
    183: 'Session Progress',
    401: 'Unauthorized',
    407: 'Proxy Authentication Required',
    481: 'Call/Transaction Does Not Exist',
    487: 'Request Terminated',
    503: 'Service Unavailable',
    505: 'Version Not Supported',
    513: 'Message Too Large',
    606: 'Not Acceptable',
  };
  for (const [code, phrase] of Object.entries(rfc3261)) assert.equal(reasonPhrase(Number(code)), phrase);
  assert.equal(reasonPhrase(499), 'Client Error');
});

test('badRequestResponse: 400 with the fault in the reason, headers copied, To tagged', () => {
  const err = parseError(readFileSync(path.join(RFC4475_DIR, 'mismatch01.dat')));
  const res = badRequestResponse(err, { toTag: 'z' });
  assert.ok(res !== null);
  assert.equal(res.status, 400);
  assert.equal(res.reason, 'Bad Request (CSeq method does not match the request method)');
  assert.deepEqual(res.headers.map((h) => h.name).sort(), ['call-id', 'content-length', 'cseq', 'from', 'to', 'via']);
  assert.ok(getHeader(res, 'to')!.endsWith(';tag=z'));
  // The response itself serializes and parses.
  assert.equal(parseMessage(serializeMessage(res)).kind, 'response');
});

test('badRequestResponse echoes From octet for octet, non-UTF-8 octets included', () => {
  const from = Buffer.concat([
    Buffer.from('From: "A '),
    Buffer.from([0xc0, 0xff, 0x80]),
    Buffer.from('" <sip:a@example.org>;tag=f1\r\n'),
  ]);
  const data = Buffer.concat([
    Buffer.from('INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-400\r\n'),
    from,
    Buffer.from('To: <sip:b@example.com>\r\nCall-ID: bad@192.0.2.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'),
  ]);
  const res = badRequestResponse(parseError(data), { toTag: 'z' });
  assert.ok(res !== null);
  assert.ok(serializeMessage(res).includes(from), 'From echoed as received');
});

test('badRequestResponse tags the To exactly when createResponse would (one tag test, RFC 3261 §8.2.6.2)', () => {
  const head = 'INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-t\r\n';
  const tail =
    'From: <sip:a@example.org>;tag=f1\r\nCall-ID: t@192.0.2.1\r\nMax-Forwards: 70\r\n' + 'Content-Length: 0\r\n\r\n';
  const tos: Array<[string, string]> = [
    ['"Bob;tag=1" <sip:b@example.com>', 'z'], // quoted text is no tag
    ['<sip:b@example.com;tag=1>', 'z'], // nor is a URI parameter
    ['<sip:b@example.com>;tag', 'z'], // a valueless tag is none (tag-param = "tag" EQUAL token)
    ['"Bob;tag=1" <sip:b@example.com>;tag=real', 'real'],
  ];
  for (const [to, want] of tos) {
    const broken = parseError(Buffer.from(`${head}To: ${to}\r\nCSeq: 1 OPTIONS\r\n${tail}`));
    const bad = badRequestResponse(broken, { toTag: 'z' });
    assert.ok(bad !== null, to);
    const good = parseMessage(Buffer.from(`${head}To: ${to}\r\nCSeq: 1 INVITE\r\n${tail}`)) as SipRequest;
    const ok = createResponse(good, 486, undefined, { toTag: 'z' });
    assert.equal(nameAddrTag(getHeader(bad, 'to') ?? ''), want, to);
    assert.equal(getHeader(bad, 'to'), getHeader(ok, 'to'), to);
  }
});

test('badRequestResponse for several broken requests', () => {
  const cases: Array<[string, number | null]> = [
    ['quotbal.dat', 400], // To unreadable: left out, the rest copied
    ['ltgtruri.dat', 400],
    ['lwsstart.dat', 400],
    ['ncl.dat', 400],
    ['multi01.dat', 400],
    ['badvers.dat', 505], // RFC 4475 §3.1.2.16
    ['badinv01.dat', null], // top Via unreadable: nowhere to send a response
    ['bigcode.dat', null], // a response is never answered
    ['scalarlg.dat', null],
  ];
  for (const [file, status] of cases) {
    const err = parseError(readFileSync(path.join(RFC4475_DIR, file)));
    const res = badRequestResponse(err);
    assert.equal(res?.status ?? null, status, file);
    if (res !== null) {
      assert.ok(getHeader(res, 'via') !== null, file);
      assert.match(getHeader(res, 'to') ?? ';tag=x', /;tag=/, file);
      parseMessage(serializeMessage(res));
    }
  }
  const ack = parseError(sip(['ACK sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'CSeq: 1 INVITE', 'l: 0']));
  assert.equal(ack.code, 'cseq_method_mismatch');
  assert.equal(badRequestResponse(ack), null, 'never answer an ACK');
  const multi = parseError(readFileSync(path.join(RFC4475_DIR, 'multi01.dat')));
  const res = badRequestResponse(multi)!;
  assert.equal(getHeader(res, 'call-id'), 'multi01.98asdh@192.0.2.1');
  assert.equal(res.headers.filter((h) => h.name === 'call-id').length, 1);
  // A hostile header value cannot leak control characters into the reason phrase.
  const hostile = new SipParseError('bad_header', 'bad \r\n thing', {
    kind: 'request',
    method: 'INVITE',
    headers: [{ name: 'via', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' }],
  });
  assert.equal(badRequestResponse(hostile)!.reason, 'Bad Request (bad ?? thing)');
});
