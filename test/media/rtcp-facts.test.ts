import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import { legFacts } from '../../src/media/media-facts.js';
import type { NgClient } from '../../src/media/ng-client.js';
import { ApiClient } from '../support/api-client.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer } from '../support/raw-sip-peer.js';
import { RtcpReporter } from '../support/rtcp-reporter.js';
import { startTestRtpengine } from '../support/test-rtpengine.js';
import { TerminationCall } from './media-call-flow.js';

/**
 * Loss and jitter in the call log come from RTCP: the PBX drops every tenth packet and sends the
 * others unevenly; both parties send sender and receiver reports (RFC 3550 §6.4) through rtpengine,
 * which computes its per-SSRC stats from them; the call record then says how many of the PBX's
 * packets were lost on the way to the carrier and with what jitter.
 */
const CALLER = '+919800000084';
let h: Harness;
let api: ApiClient;
let engine: LocalRtpengine;
let ng: NgClient;
let carrier: RawSipPeer;
let trunk: string;

before(async () => {
  const rte = await startTestRtpengine();
  engine = rte.engine;
  ng = rte.ng;
  carrier = await RawSipPeer.open('127.0.0.1');
  h = await startHarness({
    carrier: `sip:127.0.0.1:${carrier.port}`,
    flags: { rtpengine: `udp:127.0.0.1:${engine.ngPort}` },
  });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('rtcp', CALLER, '127.0.0.2');
});

after(async () => {
  await api.close();
  await h.close();
  carrier.close();
  ng.close();
  await engine.stop();
});

/** Where an SDP says to send RTCP: its `a=rtcp:` port (RFC 3605), else the RTP port + 1. */
function rtcpTarget(sdp: string): { address: string; port: number } {
  const rtp = sdpTarget(sdp);
  const m = /^a=rtcp:(\d+)/m.exec(sdp);
  return { address: rtp.address, port: m === null ? rtp.port + 1 : Number(m[1]) };
}

test('RTCP receiver reports: packets the PBX lost and its jitter end up in the call record', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const pbxRtcp = await RtcpReporter.open(pbxRtp, '127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  const carrierRtcp = await RtcpReporter.open(carrierRtp);
  const timers: NodeJS.Timeout[] = [];
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    const inv = await call.invite(pbxRtp.sdp({ address: '127.0.0.2', extra: [`a=rtcp:${pbxRtcp.port}`] }));
    const offer = inv.body.toString();
    const ok = await call.answer(carrierRtp.sdp({ extra: [`a=rtcp:${carrierRtcp.port}`] }));
    const answer = ok.body.toString();
    carrierRtp.start(sdpTarget(offer));
    // Every tenth packet lost; every fourth one late by 15 ms (interarrival jitter, RFC 3550 §6.4.1).
    let i = 0;
    timers.push(
      setInterval(() => {
        i++;
        if (i % 10 === 5) pbxRtp.lose();
        else if (i % 4 === 0) timers.push(setTimeout(() => pbxRtp.sendOne(sdpTarget(answer)), 15));
        else pbxRtp.sendOne(sdpTarget(answer));
      }, 20),
    );
    timers.push(
      setInterval(() => {
        pbxRtcp.report(rtcpTarget(answer));
        carrierRtcp.report(rtcpTarget(offer));
      }, 300),
    );
    // rtpengine computes a report's stats once it has the round trip, from the sender reports it relayed.
    await waitFor(
      async () => {
        const q = await ng.command({ command: 'query', 'call-id': call.callId });
        const f = legFacts(q, ['pbxtag'], ['carriertag']);
        return f.lost !== null && f.lost > 0 && (f.jitterMs ?? 0) > 0;
      },
      15_000,
      'rtpengine to have loss and jitter from the carrier’s receiver reports',
    );
    for (const t of timers) clearInterval(t);
    carrierRtp.stop();
    assert.ok(carrierRtcp.lost > 0, 'the carrier saw packets missing');
    await call.bye();
    const rec = await waitFor(
      async () => {
        await h.gateway.callLog.flush();
        const page = await h.store.listCalls(h.accountSid, trunk, { limit: 5, offset: 0 });
        return page.items.find((c) => c.callId === call.callId && c.endedAt !== null);
      },
      5000,
      'the call record',
    );
    const media = rec.media;
    assert.ok(media, 'media facts recorded');
    assert.ok((media.pbx.lost ?? 0) > 0, `PBX packets lost: ${media.pbx.lost}`);
    assert.ok((media.pbx.jitterMs ?? 0) > 0, `PBX stream jitter: ${media.pbx.jitterMs} ms`);
    assert.ok((media.pbx.lost ?? 0) <= carrierRtcp.lost, 'no more lost than the carrier counted');
  } finally {
    for (const t of timers) clearInterval(t);
    carrierRtp.close();
    carrierRtcp.close();
    pbxRtp.close();
    pbxRtcp.close();
    pbx.close();
  }
});
