import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import type { NgClient } from '../../src/media/ng-client.js';
import { ApiClient } from '../support/api-client.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { hv, RawSipPeer, routeSetOf } from '../support/raw-sip-peer.js';
import { request, response } from '../support/sip-message.js';
import { SrtpContext, SUITE, countSrtp, sdesKey, sendSrtp } from '../support/srtp.js';
import { startTestRtpengine } from '../support/test-rtpengine.js';
import { MemoryPlanSource, testCarrier } from '../gateway/carrier-fixtures.js';
import { TlsSipPeer } from './tls-sip-peer.js';

/**
 * Termination on a secure trunk to a carrier configured for SRTP: SDES-SRTP on both legs, and
 * audio both ways — every party reads the other's payload after decrypting with the key its peer
 * announced, and every packet authenticates.
 */
const CALLER = '+919800000083';
let h: Harness;
let api: ApiClient;
let engine: LocalRtpengine;
let ng: NgClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
const plan = new MemoryPlanSource([], []);

before(async () => {
  const rte = await startTestRtpengine();
  engine = rte.engine;
  ng = rte.ng;
  sessions = rte.sessions;
  carrier = await RawSipPeer.open('127.0.0.1');
  plan.set(
    [testCarrier('secure', [[`sip:127.0.0.1:${carrier.port}`, 0, 1]], { srtp: true })],
    [['', [['secure', 0, 1]]]],
  );
  h = await startHarness({ carrierPlan: plan, flags: { rtpengine: `udp:127.0.0.1:${engine.ngPort}` } });
  api = await ApiClient.create(h);
  const trunk = await api.terminationTrunk('secure', CALLER, '127.0.0.3');
  await api.updateTrunk(trunk, { secure_trunking: true });
  await h.gateway.snapshot.settled();
});

after(async () => {
  await api.close();
  await h.close();
  carrier.close();
  ng.close();
  await engine.stop();
});

test('secure trunk to an SRTP carrier: SDES-SRTP on both legs (keys passed through), audio both ways', async () => {
  const pbxRtp = await RtpPeer.open('127.0.0.3');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  const pbx = await TlsSipPeer.connect(h.access('tls').port, '127.0.0.3');
  const pbxKey = `inline:${randomBytes(30).toString('base64')}`;
  const carrierKey = `inline:${randomBytes(30).toString('base64')}`;
  const stops: Array<() => void> = [];
  try {
    const callId = `${randomBytes(6).toString('hex')}@pbx`;
    pbx.send(
      request({
        method: 'INVITE',
        uri: `sip:+14155550100@${h.accountSid}.pstn.exotel.com`,
        from: `<sip:${CALLER}@127.0.0.3>`,
        viaHost: '127.0.0.3',
        viaPort: pbx.localPort,
        transport: 'TLS',
        callId,
        contact: `sip:pbx@127.0.0.3:${pbx.localPort};transport=tls`,
        body: pbxRtp.sdp({ address: '127.0.0.3', proto: 'RTP/SAVP', extra: [`a=crypto:1 ${SUITE} ${pbxKey}`] }),
      }),
    );
    const inv = await carrier.request('INVITE', callId);
    const offer = inv.body.toString();
    assert.match(offer, /^m=audio \d+ RTP\/SAVP 0 101\r?$/m, 'SRTP toward the SRTP carrier');
    const towardCarrier = sdesKey(offer);
    assert.ok(towardCarrier);
    carrier.reply(
      inv,
      response(inv, 200, 'OK', {
        toTag: 'sc1',
        contact: `sip:c@127.0.0.1:${carrier.port}`,
        body: carrierRtp.sdp({ proto: 'RTP/SAVP', extra: [`a=crypto:${towardCarrier.tag} ${SUITE} ${carrierKey}`] }),
      }),
    );
    const ok = await pbx.response(200, callId);
    const answer = ok.body.toString();
    assert.match(answer, /^m=audio \d+ RTP\/SAVP 0 101\r?$/m, 'SRTP toward the PBX');
    const towardPbx = sdesKey(answer);
    assert.ok(towardPbx);
    // rtpengine 10.5 bridges SDES to SDES as SRTP pass-through ("Copied crypto params … for SRTP
    // passthrough" in its log): each side is offered the other's key for the suite they share, so
    // SRTP runs end to end between the PBX and the carrier. docs/gateway.md says so.
    assert.equal(towardCarrier.inline, pbxKey, 'the carrier gets the PBX key (pass-through)');
    assert.equal(towardPbx.inline, carrierKey, 'the PBX gets the carrier key (pass-through)');

    const atCarrier = countSrtp(carrierRtp, new SrtpContext(towardCarrier.inline), 0x11);
    const atPbx = countSrtp(pbxRtp, new SrtpContext(towardPbx.inline), 0x22);
    stops.push(sendSrtp(pbxRtp, new SrtpContext(pbxKey), sdpTarget(answer), 0x11));
    stops.push(sendSrtp(carrierRtp, new SrtpContext(carrierKey), sdpTarget(offer), 0x22));
    await waitFor(() => atCarrier.good >= 25 && atPbx.good >= 25, 10_000, 'SRTP both ways on both legs');
    for (const stop of stops) stop();
    assert.equal(atCarrier.forged + atPbx.forged, 0, 'every packet authenticated at both ends');

    pbx.send(
      request({
        method: 'BYE',
        uri: `sip:c@127.0.0.1:${carrier.port}`,
        viaHost: '127.0.0.3',
        viaPort: pbx.localPort,
        transport: 'TLS',
        routes: routeSetOf(ok),
        from: hv(ok, 'from'),
        fromTag: null,
        to: hv(ok, 'to'),
        callId,
        cseq: 2,
        contact: null,
      }),
    );
    const bye = await carrier.request('BYE', callId);
    carrier.reply(bye, response(bye, 200, 'OK'));
    await pbx.response(200, callId);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    for (const stop of stops) stop();
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
  }
});
