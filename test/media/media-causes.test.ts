import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiClient } from '../support/api-client.js';
import { waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer } from '../support/raw-sip-peer.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { response } from '../support/sip-message.js';
import { startMediaHarness, type MediaGateway, type MediaHarness } from '../support/media-harness.js';
import { TerminationCall } from './media-call-flow.js';

/**
 * The call log's media causes from rtpengine's stats: no_media, one_way_audio, and the media
 * timeout that hangs up both legs; /metrics counts sessions and packets.
 */
let m: MediaHarness;
let h: Harness;
let api: ApiClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
let trunk: string;
/** A gateway whose media timeout is short, for the test of it; the other tests' calls must not reach theirs. */
let short: MediaGateway;
let shortTrunk: string;
const CALLER = '+919800000071';
const TIMEOUT_MS = 2500;

before(async () => {
  // The no_media and one_way_audio calls last as long as a busy machine makes them: a media timeout
  // within reach would end them first, with another cause.
  m = await startMediaHarness({ tuning: { mediaQuietMs: 300, mediaTimeoutMs: 600_000, mediaCheckMs: 200 } });
  ({ h, api, sessions, carrier } = m);
  trunk = await api.terminationTrunk('causes', CALLER, '127.0.0.2');
  short = await m.gateway({ tuning: { mediaQuietMs: 300, mediaTimeoutMs: TIMEOUT_MS, mediaCheckMs: 200 } });
  shortTrunk = await short.api.terminationTrunk('causes', CALLER, '127.0.0.2');
});

after(() => m?.close());

async function record(
  callId: string,
  g: { api: ApiClient; trunk: string } = { api, trunk },
): Promise<{ cause: string | null; media: Record<string, { packets: number }> }> {
  return waitFor(
    async () => {
      const rec = (await g.api.calls(g.trunk)).find((c) => c.call_id === callId);
      return rec as { cause: string | null; media: Record<string, { packets: number }> } | undefined;
    },
    5000,
    'the call record',
  );
}

async function withPeers(
  body: (pbx: RawSipPeer, pbxRtp: RtpPeer, carrierRtp: RtpPeer) => Promise<void>,
): Promise<void> {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  try {
    await body(pbx, pbxRtp, carrierRtp);
  } finally {
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
  }
}

test('an answered call where neither side sent RTP is logged no_media', () =>
  withPeers(async (pbx, pbxRtp, carrierRtp) => {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    await call.invite(pbxRtp.sdp({ address: '127.0.0.2' }));
    await call.answer(carrierRtp.sdp());
    await new Promise((r) => setTimeout(r, 600)); // longer than mediaQuietMs
    await call.bye();
    const rec = await record(call.callId);
    assert.equal(rec.cause, 'no_media');
    assert.equal(rec.media.pbx?.packets, 0);
    assert.equal(rec.media.carrier?.packets, 0);
  }));

test('an answered call with RTP from the PBX only is logged one_way_audio, with 0 packets from the carrier', () =>
  withPeers(async (pbx, pbxRtp, carrierRtp) => {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    const inv = await call.invite(pbxRtp.sdp({ address: '127.0.0.2' }));
    const ok = await call.answer(carrierRtp.sdp());
    pbxRtp.start(sdpTarget(ok.body.toString()));
    await waitFor(() => carrierRtp.received >= 20, 10_000, 'RTP at the carrier');
    assert.ok(sdpTarget(inv.body.toString()).port > 0);
    await call.bye();
    pbxRtp.stop();
    const rec = await record(call.callId);
    assert.equal(rec.cause, 'one_way_audio');
    assert.ok((rec.media.pbx?.packets ?? 0) >= 20);
    assert.equal(rec.media.carrier?.packets, 0);
    const text = await h.metrics.metrics();
    assert.match(text, /vsip_media_packets_total\{from="pbx"\} [1-9]/);
    assert.match(text, /vsip_media_anchored 1/);
  }));

test('no RTP for the media timeout: the gateway sends BYE to both parties and logs media_timeout', () =>
  withPeers(async (pbx, pbxRtp, carrierRtp) => {
    const call = new TerminationCall(short.h, pbx, carrier, CALLER);
    await call.invite(pbxRtp.sdp({ address: '127.0.0.2' }));
    await call.answer(carrierRtp.sdp());
    assert.match(await short.h.metrics.metrics(), /vsip_media_sessions 1/);
    const atCarrier = await carrier.request('BYE', call.callId, TIMEOUT_MS + 8000);
    const atPbx = await pbx.request('BYE', call.callId, 5000);
    assert.match(atPbx.headers.find((x) => x.name === 'reason')?.value ?? '', /media timeout/);
    carrier.reply(atCarrier, response(atCarrier, 200, 'OK'));
    pbx.reply(atPbx, response(atPbx, 200, 'OK'));
    const rec = await record(call.callId, { api: short.api, trunk: shortTrunk });
    assert.equal(rec.cause, 'media_timeout');
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  }));
