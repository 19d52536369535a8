import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { octetsToText, parseMessage, serializeMessage, textToOctets } from '../../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message/index.js';

function request(): SipRequest {
  return {
    kind: 'request',
    version: 'SIP/2.0',
    method: 'OPTIONS',
    uri: 'sip:bob@example.com',
    headers: [
      { name: 'via', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' },
      { name: 'from', value: '<sip:a@example.com>;tag=1' },
      { name: 'to', value: '<sip:bob@example.com>' },
      { name: 'call-id', value: 'c1' },
      { name: 'cseq', value: '1 OPTIONS' },
      { name: 'content-length', value: '999' },
      { name: 'content-length', value: '5' },
    ],
    body: Buffer.from('hello'),
  };
}

test('Content-Length is always the body length, written once in place of the first', () => {
  const text = serializeMessage(request()).toString();
  assert.equal(text.split('Content-Length').length, 2);
  assert.ok(text.endsWith('CSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nhello'));
  const res: SipResponse = {
    kind: 'response',
    version: 'SIP/2.0',
    status: 200,
    reason: 'OK',
    headers: [],
    body: Buffer.from('é'),
  };
  assert.equal(serializeMessage(res).toString(), 'SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\né');
});

test('text goes in as UTF-8 octets (textToOctets) and is read back as text (octetsToText)', () => {
  const req = request();
  req.headers.push({ name: 'subject', value: textToOctets('Café ☎ 電話') });
  const wire = serializeMessage(req);
  assert.ok(wire.includes(Buffer.from('Subject: Café ☎ 電話\r\n', 'utf8')));
  const again = parseMessage(wire);
  assert.equal(octetsToText(again.headers.find((h) => h.name === 'subject')!.value), 'Café ☎ 電話');
});

test('a char above U+00FF is refused, not cut to its low byte (U+010D U+010A would be CR LF)', () => {
  for (const value of ['Café ☎', 'x\u010d\u010aVia: SIP/2.0/UDP evil']) {
    const req = request();
    req.headers.push({ name: 'subject', value });
    assert.throws(() => serializeMessage(req), TypeError);
  }
  const res: SipResponse = {
    kind: 'response',
    version: 'SIP/2.0',
    status: 200,
    reason: 'O\u010d\u010aK',
    headers: [],
    body: Buffer.alloc(0),
  };
  assert.throws(() => serializeMessage(res), TypeError);
});

test('header injection is impossible: CR, LF or NUL anywhere throws', () => {
  const evil = ['\r', '\n', '\r\n', '\0', 'x\r\nVia: SIP/2.0/UDP evil', 'x\nContent-Length: 0\n\nINVITE', 'a\u0000b'];
  for (const bad of evil) {
    const inValue = request();
    inValue.headers.push({ name: 'x-custom', value: bad });
    assert.throws(() => serializeMessage(inValue), TypeError, JSON.stringify(bad));
    const inName = request();
    inName.headers.push({ name: `x-a${bad}b`, value: 'v' });
    assert.throws(() => serializeMessage(inName), TypeError);
    const inUri = request();
    inUri.uri = `sip:a@b${bad}`;
    assert.throws(() => serializeMessage(inUri), TypeError);
    const inMethod = request();
    inMethod.method = `INVITE${bad}`;
    assert.throws(() => serializeMessage(inMethod), TypeError);
    const res: SipResponse = {
      kind: 'response',
      version: 'SIP/2.0',
      status: 200,
      reason: `OK${bad}`,
      headers: [],
      body: Buffer.alloc(0),
    };
    assert.throws(() => serializeMessage(res), TypeError);
  }
  const sp = request();
  sp.uri = 'sip:a@b SIP/2.0\r\n';
  assert.throws(() => serializeMessage(sp), TypeError);
  const status: SipResponse = {
    kind: 'response',
    version: 'SIP/2.0',
    status: 1000,
    reason: 'x',
    headers: [],
    body: Buffer.alloc(0),
  };
  assert.throws(() => serializeMessage(status), TypeError);
});

test('a NUL is accepted only as a quoted-pair (RFC 3261 §25.1, RFC 4475 §3.1.1.2)', () => {
  const req = request();
  req.headers.push({ name: 'to', value: '"NUL:\\\0" <sip:x@y>' });
  assert.ok(serializeMessage(req).includes(Buffer.from('NUL:\\\0')));
});

test('property: any value with CR, LF or NUL is refused; any other printable text round-trips', () => {
  const ctl = fc.constantFrom('\r', '\n', '\0');
  fc.assert(
    fc.property(fc.string(), ctl, fc.string(), (a, c, b) => {
      const req = request();
      req.headers.push({ name: 'x-v', value: a.replace(/\\/g, '') + c + b });
      assert.throws(() => serializeMessage(req), TypeError);
    }),
    { seed: 4475, numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      const value = s.replace(/[\x00-\x1f\x7f]/g, '').replace(/^[ \t]+|[ \t]+$/g, '');
      const req = request();
      req.headers.push({ name: 'x-v', value: textToOctets(value) });
      const back = parseMessage(serializeMessage(req));
      assert.equal(octetsToText(back.headers.find((h) => h.name === 'x-v')!.value), value);
    }),
    { seed: 3261, numRuns: 300 },
  );
});
