import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiClient } from '../support/api-client.js';
import { waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer } from '../support/raw-sip-peer.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { response } from '../support/sip-message.js';
import { startMediaHarness, type MediaHarness } from '../support/media-harness.js';
import { TerminationCall } from './media-call-flow.js';

/** The end paths not driven by a BYE: the dialog sweep and shutdown delete sessions too; a late offer is anchored. */
let m: MediaHarness;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
const CALLER = '+919800000095';

before(async () => {
  m = await startMediaHarness();
  ({ sessions, carrier } = m);
});

after(() => m?.close());

async function gateway(maxCallDurationMs?: number): Promise<{ h: Harness; api: ApiClient; trunk: string }> {
  const { h, api } = await m.gateway({
    tuning: { mediaTimeoutMs: 0, ...(maxCallDurationMs !== undefined ? { maxCallDurationMs } : {}) },
  });
  const trunk = await api.terminationTrunk('ends', CALLER, '127.0.0.2');
  return { h, api, trunk };
}

test('an answered call whose BYE never comes is swept (expired) and its session deleted', async () => {
  const { h, api, trunk } = await gateway(800);
  const pbx = await RawSipPeer.open('127.0.0.2');
  const rtp = await RtpPeer.open('127.0.0.2');
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    await call.invite(rtp.sdp({ address: '127.0.0.2' }));
    await call.answer(rtp.sdp({ address: '127.0.0.1' }));
    assert.equal(await sessions(), 1);
    await waitFor(async () => (await sessions()) === 0, 8000, 'the swept call deleted');
    // The record is written once the engine's delete reply is back: a moment after the count drops.
    const logged = async () => (await api.calls(trunk)).find((c) => c.call_id === call.callId);
    await waitFor(async () => (await logged()) !== undefined, 8000, 'the swept call logged');
    assert.equal((await logged())?.cause, 'expired');
  } finally {
    pbx.close();
    rtp.close();
    await api.close();
    await h.close();
  }
});

test('shutdown deletes the sessions of calls still up', async () => {
  const { h, api } = await gateway();
  const pbx = await RawSipPeer.open('127.0.0.2');
  const rtp = await RtpPeer.open('127.0.0.2');
  try {
    const answered = new TerminationCall(h, pbx, carrier, CALLER);
    await answered.invite(rtp.sdp({ address: '127.0.0.2' }));
    await answered.answer(rtp.sdp({ address: '127.0.0.1' }));
    const ringing = new TerminationCall(h, pbx, carrier, CALLER);
    await ringing.invite(rtp.sdp({ address: '127.0.0.2' }));
    ringing.carrierReplies(180, 'Ringing');
    await pbx.response(180, 'INVITE', ringing.callId);
    assert.equal(await sessions(), 2);
  } finally {
    await api.close();
    await h.close();
    pbx.close();
    rtp.close();
  }
  assert.equal(await sessions(), 0);
});

test('late offer: INVITE without SDP, the offer in the 2xx and the answer in the ACK, both anchored', async () => {
  const { h, api } = await gateway();
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    const inv = await call.invite('');
    assert.equal(inv.body.length, 0);
    const inviteAtCarrier = call.atCarrier;
    assert.ok(inviteAtCarrier);
    carrier.reply(
      inviteAtCarrier,
      response(inviteAtCarrier, 200, 'OK', {
        toTag: 'late1',
        contact: `sip:c@127.0.0.1:${carrier.port}`,
        body: carrierRtp.sdp(),
      }),
    );
    const ok = await pbx.response(200, 'INVITE', call.callId);
    call.ok = ok;
    const offer = ok.body.toString();
    assert.doesNotMatch(offer, new RegExp(`m=audio ${carrierRtp.port} `), 'the PBX sees rtpengine, not the carrier');
    pbx.send(call.inDialog('ACK', 1, pbxRtp.sdp({ address: '127.0.0.2' })), h.access('udp'));
    const ack = await carrier.request('ACK', call.callId);
    const answer = ack.body.toString();
    assert.doesNotMatch(answer, /127\.0\.0\.2/, 'the carrier sees rtpengine, not the PBX');
    pbxRtp.start(sdpTarget(offer));
    carrierRtp.start(sdpTarget(answer));
    await waitFor(() => pbxRtp.received >= 20 && carrierRtp.received >= 20, 10_000, 'RTP both ways');
    pbxRtp.stop();
    carrierRtp.stop();
    await call.bye();
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
    await api.close();
    await h.close();
  }
});
