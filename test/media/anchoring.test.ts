import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer } from '../support/raw-sip-peer.js';
import { RtpPeer, sdpTarget } from '../support/rtp-peer.js';
import { startTestRtpengine } from '../support/test-rtpengine.js';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import type { NgClient } from '../../src/media/ng-client.js';
import { TerminationCall } from './media-call-flow.js';

/**
 * Media anchored through a real rtpengine: the PBX and the carrier each see only rtpengine's
 * address, RTP flows both ways through it (counted in packets at both ends), the call log keeps
 * what rtpengine saw, and the session is deleted when the call ends.
 */
let h: Harness;
let api: ApiClient;
let engine: LocalRtpengine;
let ng: NgClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
let trunk: string;
const CALLER = '+919800000051';

before(async () => {
  const rte = await startTestRtpengine();
  engine = rte.engine;
  ng = rte.ng;
  sessions = rte.sessions;
  carrier = await RawSipPeer.open('127.0.0.1');
  h = await startHarness({
    carrier: `sip:127.0.0.1:${carrier.port}`,
    flags: { rtpengine: `udp:127.0.0.1:${engine.ngPort}` },
    tuning: { mediaQuietMs: 60_000 },
  });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('media', CALLER, '127.0.0.2');
});

after(async () => {
  await api.close();
  await h.close();
  carrier.close();
  ng.close();
  await engine.stop();
});

test('termination: two-way RTP through rtpengine, each side sees only its address, the call log has it', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    const inv = await call.invite(pbxRtp.sdp({ address: '127.0.0.2' }));
    const offered = inv.body.toString();
    assert.doesNotMatch(offered, /127\.0\.0\.2/, 'the carrier never sees the PBX address');
    assert.doesNotMatch(offered, new RegExp(`m=audio ${pbxRtp.port} `));
    const ok = await call.answer(carrierRtp.sdp());
    const answered = ok.body.toString();
    assert.doesNotMatch(answered, new RegExp(`m=audio ${carrierRtp.port} `), 'the PBX never sees the carrier port');
    assert.equal(await sessions(), 1);

    pbxRtp.start(sdpTarget(answered));
    carrierRtp.start(sdpTarget(offered));
    await waitFor(() => pbxRtp.received >= 25 && carrierRtp.received >= 25, 10_000, 'RTP both ways');
    pbxRtp.stop();
    carrierRtp.stop();
    await call.bye();
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
    const [rec] = await api.calls(trunk, 'completed');
    assert.equal(rec?.cause, 'completed');
    const media = rec?.media as { pbx: { packets: number; from: string }; carrier: { packets: number } };
    assert.ok(media.pbx.packets >= 25, `packets from the PBX: ${media.pbx.packets}`);
    assert.ok(media.carrier.packets >= 25, `packets from the carrier: ${media.carrier.packets}`);
    assert.equal(media.pbx.from, `127.0.0.2:${pbxRtp.port}`);
  } finally {
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
  }
});
