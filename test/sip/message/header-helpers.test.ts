import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addHeader,
  getHeader,
  getHeaderValues,
  normalizeHeaderName,
  parseMessage,
  prependHeader,
  removeFirstValue,
  removeHeader,
  serializeMessage,
  setHeader,
  wireHeaderName,
} from '../../../src/sip/message/index.js';
import { sip } from './codec-helpers.js';

const REQ = sip([
  'INVITE sip:bob@example.com SIP/2.0',
  'v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
  'VIA: SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
  'f: "Bell, Alexander" <sip:a@example.com>;tag=1',
  't: <sip:bob@example.com>',
  'i: abc@host',
  'CSEQ: 1 INVITE',
  'm: <sip:a@1.2.3.4>;expires=60, "x,y" <sip:b@5.6.7.8;p=1,2>',
  'Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>',
  'Allow: INVITE, ACK ,BYE,,CANCEL',
  'k: timer, 100rel',
  'WWW-Authenticate: Digest realm="a, b", nonce="n", qop="auth,auth-int"',
  'Date: Sat, 13 Nov 2010 23:29:00 GMT',
  'Subject: folded',
  '  across lines',
  'l: 0',
]);

test('compact forms and any case map to the long lower-case name', () => {
  const msg = parseMessage(REQ);
  assert.deepEqual(
    msg.headers.map((h) => h.name),
    [
      'via',
      'via',
      'from',
      'to',
      'call-id',
      'cseq',
      'contact',
      'route',
      'allow',
      'supported',
      'www-authenticate',
      'date',
      'subject',
      'content-length',
    ],
  );
  for (const n of ['Call-ID', 'call-id', 'I', 'i', 'CALL-ID']) assert.equal(getHeader(msg, n), 'abc@host');
  assert.equal(normalizeHeaderName('l'), 'content-length');
  assert.equal(normalizeHeaderName('X-Foo'), 'x-foo');
  assert.equal(normalizeHeaderName('bad name'), null);
  assert.equal(getHeader(msg, 'x-absent'), null);
});

test('folding becomes one space', () => {
  assert.equal(getHeader(parseMessage(REQ), 'subject'), 'folded across lines');
});

test('getHeaderValues splits list headers across lines, respecting quotes and <>', () => {
  const msg = parseMessage(REQ);
  assert.deepEqual(getHeaderValues(msg, 'v'), [
    'SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
    'SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
    'SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
  ]);
  assert.deepEqual(getHeaderValues(msg, 'contact'), ['<sip:a@1.2.3.4>;expires=60', '"x,y" <sip:b@5.6.7.8;p=1,2>']);
  assert.deepEqual(getHeaderValues(msg, 'route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.deepEqual(getHeaderValues(msg, 'allow'), ['INVITE', 'ACK', 'BYE', 'CANCEL']);
  assert.deepEqual(getHeaderValues(msg, 'supported'), ['timer', '100rel']);
});

test('getHeaderValues keeps non-list headers whole (Authorization, WWW-Authenticate, Date, From)', () => {
  const msg = parseMessage(REQ);
  assert.deepEqual(getHeaderValues(msg, 'www-authenticate'), ['Digest realm="a, b", nonce="n", qop="auth,auth-int"']);
  assert.deepEqual(getHeaderValues(msg, 'date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
  assert.deepEqual(getHeaderValues(msg, 'from'), ['"Bell, Alexander" <sip:a@example.com>;tag=1']);
});

test('removeFirstValue pops the top Via even when it shares a line', () => {
  const msg = parseMessage(REQ);
  assert.equal(removeFirstValue(msg, 'via'), 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1');
  assert.deepEqual(getHeaderValues(msg, 'via'), [
    'SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
    'SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
  ]);
  assert.equal(removeFirstValue(msg, 'via'), 'SIP/2.0/TCP b.example.com;branch=z9hG4bK2');
  assert.equal(msg.headers.filter((h) => h.name === 'via').length, 1);
  assert.equal(removeFirstValue(msg, 'v'), 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3');
  assert.equal(removeFirstValue(msg, 'via'), null);
  assert.equal(removeFirstValue(msg, 'route'), '<sip:p1.example.com;lr>');
  assert.deepEqual(getHeaderValues(msg, 'route'), ['<sip:p2.example.com;lr>']);
  // A non-list header is removed as a whole line.
  assert.equal(removeFirstValue(msg, 'date'), 'Sat, 13 Nov 2010 23:29:00 GMT');
  assert.equal(getHeader(msg, 'date'), null);
});

test('prependHeader puts a Via on top; addHeader appends; setHeader replaces all; removeHeader removes all', () => {
  const msg = parseMessage(REQ);
  prependHeader(msg, 'Via', 'SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp');
  assert.equal(getHeaderValues(msg, 'via')[0], 'SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp');
  assert.equal(msg.headers[0]!.name, 'via');
  prependHeader(msg, 'Record-Route', '<sip:proxy.example.net;lr>');
  assert.equal(msg.headers[0]!.name, 'record-route');
  addHeader(msg, 'X-Trunk', 'a');
  addHeader(msg, 'x-trunk', 'b');
  assert.deepEqual(getHeaderValues(msg, 'X-TRUNK'), ['a', 'b']);
  setHeader(msg, 'x-trunk', 'c');
  assert.deepEqual(getHeaderValues(msg, 'x-trunk'), ['c']);
  setHeader(msg, 'Max-Forwards', '69');
  assert.equal(msg.headers[msg.headers.length - 1]!.value, '69');
  assert.equal(removeHeader(msg, 'via', 'x-trunk'), 4);
  assert.deepEqual(getHeaderValues(msg, 'via'), []);
  assert.throws(() => addHeader(msg, 'X-Bad\r\nInjected', 'v'), TypeError);
});

test('serialized names are canonical', () => {
  assert.equal(wireHeaderName('call-id'), 'Call-ID');
  assert.equal(wireHeaderName('cseq'), 'CSeq');
  assert.equal(wireHeaderName('www-authenticate'), 'WWW-Authenticate');
  assert.equal(wireHeaderName('i'), 'Call-ID');
  assert.equal(wireHeaderName('x-my-header'), 'X-My-Header');
  assert.equal(wireHeaderName('proxy-authorization'), 'Proxy-Authorization');
  const text = serializeMessage(parseMessage(REQ)).toString();
  for (const n of [
    '\r\nVia: ',
    '\r\nFrom: ',
    '\r\nTo: ',
    '\r\nCall-ID: ',
    '\r\nCSeq: ',
    '\r\nContact: ',
    '\r\nSupported: ',
    '\r\nWWW-Authenticate: ',
    '\r\nContent-Length: 0\r\n\r\n',
  ]) {
    assert.ok(text.includes(n), n);
  }
});
