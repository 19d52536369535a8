import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { SipStreamParser } from '../../src/sip/message/index.js';
import type { SipRequest } from '../../src/sip/message/types.js';
import type { ApiClient } from '../support/api-client.js';
import { waitFor, type Harness } from '../support/gateway-harness.js';
import { hv, type RawSipPeer, routeSetOf } from '../support/raw-sip-peer.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { request, response } from '../support/sip-message.js';
import { startMediaHarness, type MediaHarness } from '../support/media-harness.js';

/** Origination (carrier → PBX over TCP) anchored too: the PBX sees only rtpengine, audio both ways, no session left. */
let m: MediaHarness;
let h: Harness;
let api: ApiClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
let pbxServer: net.Server;
const pbxGot: Array<{ req: SipRequest; sock: net.Socket }> = [];
const NUMBER = '+914400000091';

before(async () => {
  pbxServer = net.createServer((sock) => {
    const parser = new SipStreamParser();
    sock.on('data', (d: Buffer) => {
      for (const item of parser.push(d))
        if (item.type === 'message' && item.message.kind === 'request') pbxGot.push({ req: item.message, sock });
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => pbxServer.listen(0, '127.0.0.4', () => r()));
  m = await startMediaHarness();
  ({ h, api, sessions, carrier } = m);
  const trunk = await api.createTrunk('inboundmedia');
  await api.mapNumber(trunk, NUMBER);
  const port = (pbxServer.address() as net.AddressInfo).port;
  await api.addDestinations(trunk, [{ destination: `127.0.0.4:${port};transport=tcp` }]);
  await h.gateway.snapshot.settled();
});

after(async () => {
  await m?.close();
  pbxServer?.close();
});

test('origination: carrier → PBX with RTP both ways through rtpengine; the PBX never sees the carrier', async () => {
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  const pbxRtp = await RtpPeer.open('127.0.0.4');
  try {
    const callId = `${randomBytes(6).toString('hex')}@carrier`;
    carrier.send(
      request({
        method: 'INVITE',
        uri: `sip:${NUMBER}@127.0.0.1:${h.carrierSide('udp').port}`,
        from: '<sip:+14155550199@127.0.0.1>',
        viaPort: carrier.port,
        callId,
        contact: `sip:carrier@127.0.0.1:${carrier.port}`,
        body: carrierRtp.sdp(),
      }),
      h.carrierSide('udp'),
    );
    const inv = await waitFor(() => pbxGot.find((g) => g.req.method === 'INVITE'), 5000, 'INVITE at the PBX');
    const offered = inv.req.body.toString();
    assert.doesNotMatch(offered, new RegExp(`m=audio ${carrierRtp.port} `), 'the PBX never sees the carrier port');
    const ok = response(inv.req, 200, 'OK', {
      toTag: 'pbx7',
      contact: `sip:pbx@127.0.0.4:${(pbxServer.address() as net.AddressInfo).port};transport=tcp`,
      body: pbxRtp.sdp({ address: '127.0.0.4' }),
    });
    inv.sock.write(ok);
    const atCarrier = await carrier.response(200, 'INVITE', callId);
    const answered = atCarrier.body.toString();
    assert.doesNotMatch(answered, /127\.0\.0\.4/, 'the carrier never sees the PBX address');
    const inDialog = (method: string, cseq: number): string =>
      request({
        method,
        uri: `sip:pbx@127.0.0.4:${(pbxServer.address() as net.AddressInfo).port};transport=tcp`,
        viaPort: carrier.port,
        routes: routeSetOf(atCarrier),
        from: hv(atCarrier, 'from'),
        fromTag: null,
        to: hv(atCarrier, 'to'),
        callId,
        cseq,
        contact: null,
      });
    carrier.send(inDialog('ACK', 1), h.carrierSide('udp'));
    carrierRtp.start(sdpTarget(answered));
    pbxRtp.start(sdpTarget(offered));
    await waitFor(() => carrierRtp.received >= 25 && pbxRtp.received >= 25, 10_000, 'RTP both ways');
    carrierRtp.stop();
    pbxRtp.stop();
    carrier.send(inDialog('BYE', 2), h.carrierSide('udp'));
    const bye = await waitFor(() => pbxGot.find((g) => g.req.method === 'BYE'), 5000, 'BYE at the PBX');
    bye.sock.write(response(bye.req, 200, 'OK'));
    await carrier.response(200, 'BYE', callId);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    carrierRtp.close();
    pbxRtp.close();
  }
});
