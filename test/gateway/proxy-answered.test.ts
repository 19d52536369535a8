import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { parseMessage } from '../../src/sip/message/index.js';
import type { SipRequest } from '../../src/sip/message/types.js';
import { UdpProbe } from '../support/sip-probe.js';
import { request, response } from '../support/sip-message.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/**
 * After the answer, the proxy keeps only what RFC 6026 still needs: the client transaction in
 * Accepted relays each 2xx retransmission from the carrier to the PBX (§8.4 there), while the
 * call's own handlers and parsed requests are released. A raw UDP carrier lets the test send
 * the retransmission itself.
 */
let h: Harness;
let api: ApiClient;
let carrier: dgram.Socket;
const invites: Array<{ req: SipRequest; from: dgram.RemoteInfo }> = [];
const CALLER = '+919800000031';

before(async () => {
  carrier = dgram.createSocket('udp4');
  await new Promise<void>((r) => carrier.bind(0, '127.0.0.1', () => r()));
  carrier.on('message', (m, from) => {
    const msg = parseMessage(m);
    if (msg.kind === 'request' && msg.method === 'INVITE') invites.push({ req: msg, from });
  });
  h = await startHarness({ carrier: `sip:127.0.0.1:${carrier.address().port}` });
  api = await ApiClient.create(h);
  await api.terminationTrunk('answered', CALLER, '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
  carrier.close();
});

const CARRIER_SDP =
  'v=0\r\no=c 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
const okFor = (req: SipRequest): string =>
  response(req, 200, 'OK', { toTag: 'carrier1', contact: 'sip:carrier@127.0.0.1', body: CARRIER_SDP });

test('a 2xx retransmitted by the carrier after the answer still reaches the PBX (RFC 6026 Accepted)', async () => {
  const pbx = await UdpProbe.open('127.0.0.2');
  try {
    const host = `${h.accountSid}.pstn.exotel.com`;
    const sdp =
      'v=0\r\no=pbx 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n';
    const invite = request({
      method: 'INVITE',
      uri: `sip:+14155550100@${host}`,
      from: `<sip:${CALLER}@127.0.0.2>`,
      fromTag: 'pbx1',
      viaHost: '127.0.0.2',
      viaPort: pbx.port,
      callId: `${randomBytes(8).toString('hex')}@127.0.0.2`,
      contact: `sip:pbx@127.0.0.2:${pbx.port}`,
      body: sdp,
    });
    await pbx.send(invite, h.access('udp'));
    const forwarded = await waitFor(() => invites[0], 3000, 'INVITE at the carrier');
    const ok = okFor(forwarded.req);
    const send = (): Promise<void> =>
      new Promise((r) => carrier.send(ok, forwarded.from.port, forwarded.from.address, () => r()));
    const twoHundreds = (): number => pbx.replies.filter((b) => b.toString().startsWith('SIP/2.0 200 ')).length;

    await send();
    await waitFor(() => twoHundreds() === 1, 3000, 'the 200 at the PBX');
    await send(); // the carrier did not see an ACK yet and retransmits its 2xx
    await waitFor(() => twoHundreds() === 2, 3000, 'the retransmitted 200 relayed to the PBX');
    const [first, second] = pbx.replies.filter((b) => b.toString().startsWith('SIP/2.0 200 ')).map((b) => b.toString());
    assert.equal(second, first, 'relayed the same way both times');
    assert.match(first ?? '', /^To: .*;tag=carrier1$/m);
  } finally {
    pbx.socket.close();
  }
});
