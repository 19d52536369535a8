import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SipParseError,
  formatNameAddr,
  formatUri,
  formatVia,
  parseContentLength,
  parseCSeq,
  parseNameAddr,
  parseUri,
  parseVia,
} from '../../../src/sip/message/index.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SipParseError, String(err));
    return err.code;
  }
  return 'no error';
}

test('parseUri: sip with user, password, port, params and headers', () => {
  const u = parseUri(
    'sip:alice:secret@Atlanta.example.com:5061;transport=TCP;lr;Maddr=239.255.255.1' +
      '?subject=project%20x&priority=urgent',
  );
  assert.equal(u.scheme, 'sip');
  assert.equal(u.user, 'alice');
  assert.equal(u.password, 'secret');
  assert.equal(u.host, 'Atlanta.example.com');
  assert.equal(u.port, 5061);
  assert.deepEqual(
    [...u.params],
    [
      ['transport', 'TCP'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
    ],
  );
  assert.deepEqual(
    [...u.headers],
    [
      ['subject', 'project x'],
      ['priority', 'urgent'],
    ],
  );
  assert.deepEqual(parseUri(formatUri(u)), u);
});

test('parseUri: escapes, ; in the user part (RFC 4475 §3.1.1.3, §3.1.1.9), IPv6, sips, tel, unknown schemes', () => {
  assert.equal(parseUri('sip:sips%3Auser%40example.com@example.net').user, 'sips:user@example.com');
  const esc = parseUri('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
  assert.equal(esc.user, 'caller');
  assert.deepEqual(
    [...esc.params],
    [
      ['lr', null],
      ['name', 'value%41'],
    ],
  );
  const semi = parseUri('sip:user;par=u%40example.net@example.com');
  assert.equal(semi.user, 'user;par=u@example.net');
  assert.equal(semi.host, 'example.com');
  assert.equal(formatUri(semi), 'sip:user;par=u%40example.net@example.com');
  const v6 = parseUri('sips:[2001:db8::10]:5061;transport=tls');
  assert.equal(v6.host, '2001:db8::10');
  assert.equal(v6.port, 5061);
  assert.equal(formatUri(v6), 'sips:[2001:db8::10]:5061;transport=tls');
  assert.equal(parseUri('sip:[::1]').host, '::1');
  const tel = parseUri('tel:+1-201-555-0123;phone-context=example.com');
  assert.equal(tel.user, '+1-201-555-0123');
  assert.equal(tel.params.get('phone-context'), 'example.com');
  assert.equal(formatUri(tel), 'tel:+1-201-555-0123;phone-context=example.com');
  const other = parseUri('soap.beep://192.0.2.103:3002');
  assert.equal(other.scheme, 'soap.beep');
  assert.equal(other.opaque, '//192.0.2.103:3002');
  assert.equal(formatUri(other), 'soap.beep://192.0.2.103:3002');
  assert.equal(parseUri('sip:null-%00-null@example.com').user, 'null-\0-null');
  assert.equal(formatUri(parseUri('sip:null-%00-null@example.com')), 'sip:null-%00-null@example.com');
  assert.equal(parseUri('SIP:UPPER@example.com').scheme, 'sip');
});

test(
  'parseUri: a user part of raw UTF-8 octets (as a message holds them) reads as text, like its %-escaped ' + 'form',
  () => {
    const octets = Buffer.from('sip:José@example.com', 'utf8').toString('latin1');
    assert.equal(parseUri(octets).user, 'José');
    assert.equal(parseUri('sip:Jos%C3%A9@example.com').user, 'José');
    // Not UTF-8: each octet is one char, nothing replaced.
    assert.equal(parseUri('sip:\xc0\xff@example.com').user, '\xc0\xff');
  },
);

test('parseUri rejects garbage with bad_uri', () => {
  for (const bad of [
    '',
    'sip',
    ':x',
    '1sip:a',
    'sip:',
    'sip:@host',
    'sip:a b@host',
    'sip:host:99999',
    'sip:host:',
    'sip:[::1',
    'sip:host;;lr',
    'sip:host x',
    '<sip:a@b>',
    'sip:a@[zz]',
    'sip:h\r\nX: y',
  ]) {
    assert.equal(
      code(() => parseUri(bad)),
      'bad_uri',
      bad,
    );
  }
});

test('parseNameAddr: quoted display names with escapes, no LWS before <, unquoted names, addr-spec params', () => {
  const a = parseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com> ; tag = 98asjd8');
  assert.equal(a.displayName, 'J Rosenberg \\"');
  assert.equal(a.uri, 'sip:jdrosen@example.com');
  assert.equal(a.params.get('tag'), '98asjd8');
  assert.deepEqual(parseNameAddr(formatNameAddr(a)), a);
  const b = parseNameAddr('caller<sip:caller@example.com>;tag=323');
  assert.equal(b.displayName, 'caller');
  const c = parseNameAddr('Bell, Alexander <sip:a.g.bell@example.com>;tag=43');
  assert.equal(c.displayName, 'Bell, Alexander');
  assert.equal(formatNameAddr(c), '"Bell, Alexander" <sip:a.g.bell@example.com>;tag=43');
  const d = parseNameAddr('sip:+19725552222@gw1.example.net;unknownparam');
  assert.equal(d.uri, 'sip:+19725552222@gw1.example.net');
  assert.deepEqual([...d.params], [['unknownparam', null]]);
  assert.equal(parseNameAddr('<sip:+19725552222@gw1.example.net;unknownparam>').params.size, 0);
  assert.equal(parseNameAddr('"Watson, Thomas" < sip:t.watson@example.org >').uri, 'sip:t.watson@example.org');
  const e = parseNameAddr('<sip:u@h>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";expires=3600');
  assert.equal(e.params.get('+sip.instance'), '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"');
  assert.equal(e.params.get('expires'), '3600');
  assert.equal(parseNameAddr('*').uri, '*');
  assert.equal(parseNameAddr('"" <sip:x@y>').displayName, '');
});

test('parseNameAddr rejects garbage', () => {
  assert.equal(
    code(() => parseNameAddr('"Mr. J. User <sip:j.user@example.com>')),
    'unterminated_quote',
  );
  assert.equal(
    code(() => parseNameAddr('"x" sip:a@b')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('<sip:a@b')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('<sip:a@b>;;')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('<sip:a@b> junk')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('sip:a@b, sip:c@d')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('<nouri>')),
    'bad_name_addr',
  );
  assert.equal(
    code(() => parseNameAddr('<sip:a@b>;p="open')),
    'unterminated_quote',
  );
});

test('parseVia: branch, received, rport with and without value, IPv6, LWS everywhere', () => {
  const v = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport');
  assert.equal(v.transport, 'UDP');
  assert.equal(v.host, '192.0.2.1');
  assert.equal(v.port, 5060);
  assert.equal(v.branch, 'z9hG4bK776asdhds');
  assert.equal(v.rport, null);
  assert.ok(v.params.has('rport'));
  v.received = '203.0.113.9';
  v.rport = 40000;
  assert.equal(formatVia(v), 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport=40000;received=203.0.113.9');
  const w = parseVia('SIP / 2.0 / tcp   [2001:db8::9]:5070 ; branch = z9hG4bKx ; received=2001:db8::1 ; rport=5070');
  assert.equal(w.transport, 'TCP');
  assert.equal(w.host, '2001:db8::9');
  assert.equal(w.port, 5070);
  assert.equal(w.received, '2001:db8::1');
  assert.equal(w.rport, 5070);
  assert.equal(formatVia(w), 'SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKx;received=2001:db8::1;rport=5070');
  assert.deepEqual(parseVia(formatVia(w)), w);
  const x = parseVia('SIP/2.0/WSS host.invalid;branch=z9hG4bK1;maddr=224.2.0.1;ttl=16;x="quoted;v"');
  assert.equal(x.port, null);
  assert.equal(x.params.get('x'), '"quoted;v"');
  assert.equal(parseVia('SIP/2.0/UDP h').branch, null);
});

test('parseVia rejects garbage with bad_via', () => {
  for (const bad of [
    '',
    'SIP/2.0',
    'SIP/2.0/UDP',
    'SIP/2.0/UDP ',
    'SIP/2.0/UDP host;;',
    'SIP/2.0/UDP host;',
    'SIP/2.0/UDP host:70000',
    'SIP/2.0/UDP host;rport=x',
    'SIP/2.0/UDP [::1',
    'SIP/2.0/UDP host junk',
    'SIP 2.0 UDP host',
    'SIP/2.0/UDP host, SIP/2.0/UDP h2',
  ]) {
    assert.equal(
      code(() => parseVia(bad)),
      'bad_via',
      bad,
    );
  }
});

test('parseCSeq and parseContentLength', () => {
  assert.deepEqual(parseCSeq('0009 INVITE'), { seq: 9, method: 'INVITE' });
  assert.deepEqual(parseCSeq(' 2147483647\tACK '), { seq: 2147483647, method: 'ACK' });
  for (const bad of [
    '',
    'INVITE',
    '1',
    '1INVITE',
    '-1 INVITE',
    '2147483648 INVITE',
    '36893488147419103232 REGISTER',
    '1 INV ITE',
    '1 <x>',
  ]) {
    assert.equal(
      code(() => parseCSeq(bad)),
      'bad_cseq',
      bad,
    );
  }
  assert.equal(parseContentLength(' 150 '), 150);
  assert.equal(parseContentLength('0'), 0);
  for (const bad of ['', '-999', '1.5', '12 3', '99999999999', '0x10']) {
    assert.equal(
      code(() => parseContentLength(bad)),
      'bad_content_length',
      bad,
    );
  }
});

test('RFC 5118 IPv6: bracketed references parse, a bare IPv6 Request-URI is refused', async () => {
  const { parseMessage } = await import('../../../src/sip/message/index.js');
  const { sip } = await import('./codec-helpers.js');
  const base = [
    'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111;received=[2001:db8::9:255]',
    'From: <sip:user@[2001:db8::20]>;tag=81x2',
    'To: <sip:user@[2001:db8::10]>',
    'Call-ID: SSG9559905523997077@hlau_4100',
    'CSeq: 1 REGISTER',
    'Contact: "Caller" <sip:caller@[2001:db8::1]>',
    'Content-Length: 0',
  ];
  const ok = parseMessage(sip(['REGISTER sip:[2001:db8::10]:5070 SIP/2.0', ...base]));
  assert.equal(ok.kind === 'request' && parseUri(ok.uri).host, '2001:db8::10');
  const via = parseVia(ok.headers[0]!.value);
  assert.equal(via.host, '2001:db8::9:1');
  assert.equal(via.received, '[2001:db8::9:255]');
  assert.throws(
    () => parseMessage(sip(['REGISTER sip:user@2001:db8::10 SIP/2.0', ...base])),
    (e: unknown) => e instanceof SipParseError && e.code === 'bad_request_uri',
  );
});
