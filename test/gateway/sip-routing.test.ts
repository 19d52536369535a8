import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardRequest, RouteSigner, stripTopVia } from '../../src/gateway/sip-routing.js';
import { parseMessage } from '../../src/sip/message/parse-message.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { request } from '../support/sip-message.js';

/** An INVITE from a PBX with credentials; `extra` header lines (Route, Record-Route) as given. */
const req = (o: { maxForwards: number | null; extra?: string[] }): SipRequest =>
  parseMessage(
    Buffer.from(
      request({
        method: 'INVITE',
        uri: 'sip:+14155550100@gw.example',
        viaHost: '10.0.0.1',
        viaPort: 5060,
        branch: 'z9hG4bK1',
        rport: false,
        maxForwards: o.maxForwards,
        from: '<sip:+919800000001@pbx>',
        fromTag: '1',
        to: '<sip:+14155550100@gw>',
        callId: 'c1',
        contact: null,
        extra: [...(o.extra ?? []), 'Proxy-Authorization: Digest username="t"'],
      }),
    ),
  ) as SipRequest;

test(
  'forwardRequest: Max-Forwards decremented, our routes popped inside a combined header, Record-Route on top, ' +
    'credentials dropped',
  () => {
    const r = req({
      maxForwards: 10,
      extra: ['Route: <sip:vsip@1.2.3.4;lr>, <sip:next@5.6.7.8;lr>', 'Record-Route: <sip:other@9.9.9.9;lr>'],
    });
    const f = forwardRequest(r, {
      requestUri: 'sip:+14155550100@carrier',
      recordRoute: ['<sip:a;lr>', '<sip:b;lr>'],
      popRoutes: 1,
      dropProxyAuth: true,
    });
    assert.equal(f.uri, 'sip:+14155550100@carrier');
    assert.equal(f.headers.find((h) => h.name === 'max-forwards')?.value, '9');
    assert.deepEqual(
      f.headers.filter((h) => h.name === 'route').map((h) => h.value),
      ['<sip:next@5.6.7.8;lr>'],
    );
    assert.deepEqual(
      f.headers.filter((h) => h.name === 'record-route').map((h) => h.value),
      ['<sip:a;lr>', '<sip:b;lr>', '<sip:other@9.9.9.9;lr>'],
    );
    assert.equal(
      f.headers.some((h) => h.name === 'proxy-authorization'),
      false,
    );
    assert.equal(r.headers.find((h) => h.name === 'max-forwards')?.value, '10', 'the original request is not modified');
  },
);

test('forwardRequest: the Route values after ours go on octet for octet, across headers (RFC 3261 §16.6)', () => {
  // Two of ours (one header, then the first value of the next), then foreign values with odd
  // spacing, a quoted comma and non-ASCII octets, which must not be re-split and rejoined.
  const rest = '<sip:next@5.6.7.8;lr>,<sip:"a,b"@9.9.9.9;lr>  ,\t<sip:\u00e9t\u00e9@h;lr>';
  const r = req({
    maxForwards: 70,
    extra: ['Route: <sip:vsip@1.2.3.4;lr>', `Route: <sip:vsip@1.2.3.4;lr> ,  ${rest}`],
  });
  const f = forwardRequest(r, { requestUri: 'sip:x@y', popRoutes: 2 });
  assert.deepEqual(
    f.headers.filter((h) => h.name === 'route').map((h) => h.value),
    [Buffer.from(rest, 'utf8').toString('latin1')], // header values are the octets as received
  );
});

test('forwardRequest: absent Max-Forwards becomes 69 (70 minus our hop); replace swaps headers', () => {
  const f = forwardRequest(req({ maxForwards: null }), {
    requestUri: 'sip:x@y',
    popRoutes: 0,
    replace: [{ name: 'from', value: '<sip:+918000000000@pbx>;tag=1' }],
  });
  assert.equal(f.headers.find((h) => h.name === 'max-forwards')?.value, '69');
  assert.deepEqual(
    f.headers.filter((h) => h.name === 'from').map((h) => h.value),
    ['<sip:+918000000000@pbx>;tag=1'],
  );
});

test('stripTopVia removes only our Via, also from a combined header', () => {
  const res = parseMessage(
    Buffer.from(
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP us:5080;branch=z9hG4bKa, SIP/2.0/UDP ' +
        'pbx:5060;branch=z9hG4bKb\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: c\r\nCSeq: 1 ' +
        'INVITE\r\nContent-Length: 0\r\n\r\n',
    ),
  ) as SipResponse;
  const up = stripTopVia(res);
  assert.deepEqual(
    up.headers.filter((h) => h.name === 'via').map((h) => h.value),
    ['SIP/2.0/UDP pbx:5060;branch=z9hG4bKb'],
  );
});

test('stripTopVia passes the Via values after ours on octet for octet (RFC 3261 §16.7 step 3)', () => {
  // Spacing, a quoted parameter holding a comma and non-ASCII octets, case: none of it is ours to rewrite.
  const rest = 'SIP/2.0/UDP pbx:5060;branch=z9hG4bKb;x="a, \xc3\xa9" ,SIP/2.0/TCP  pbx2;Branch=z9hG4bKc';
  const res = parseMessage(
    Buffer.from(
      `SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP us:5080;branch=z9hG4bKa ,  ${rest}\r\nFrom: <sip:a@b>;tag=1\r\n` +
        'To: <sip:c@d>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
      'latin1',
    ),
  ) as SipResponse;
  const up = stripTopVia(res);
  assert.deepEqual(
    up.headers.filter((h) => h.name === 'via').map((h) => h.value),
    [rest],
  );
});

test('RouteSigner: recognises its own Route for the same Call-ID only', () => {
  const s = new RouteSigner(Buffer.alloc(32, 7));
  const port = { advertise: '127.0.0.1', routePort: () => 5060 } as never;
  const rr = s.recordRoute(port, 'tcp', 'call-1');
  assert.match(rr, /^<sip:vsip@127\.0\.0\.1:5060;transport=tcp;lr;vc=[A-Za-z0-9_-]{16}>$/);
  assert.equal(s.isOurs(rr, 'call-1'), true);
  assert.equal(s.isOurs(rr, 'call-2'), null, 'a tag for another dialog is a forgery');
  assert.equal(s.isOurs('<sip:carrier@1.2.3.4;lr>', 'call-1'), false);
});
