import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiClient } from '../support/api-client.js';
import { waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer } from '../support/raw-sip-peer.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { startMediaHarness, type MediaHarness } from '../support/media-harness.js';
import { response } from '../support/sip-message.js';
import { TerminationCall } from './media-call-flow.js';

/**
 * Media anchored through a real rtpengine: the PBX and the carrier each see only rtpengine's
 * address, RTP flows both ways through it (counted in packets at both ends), the call log keeps
 * what rtpengine saw, and the session is deleted when the call ends.
 */
let m: MediaHarness;
let h: Harness;
let api: ApiClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
let trunk: string;
const CALLER = '+919800000051';

before(async () => {
  m = await startMediaHarness({ tuning: { mediaQuietMs: 60_000 } });
  ({ h, api, sessions, carrier } = m);
  trunk = await api.terminationTrunk('media', CALLER, '127.0.0.2');
});

after(() => m?.close());

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

test('NAT: a PBX writing 10.x in its SDP and sending from elsewhere still gets two-way audio (latching)', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    // The PBX's SDP names its LAN address and a port its NAT does not keep; ICE candidates too.
    const sdp = pbxRtp.sdp({
      address: '10.1.2.3',
      port: 4000,
      extra: [
        'a=ice-ufrag:abcd',
        'a=ice-pwd:abcdefghijklmnopqrstuvwx',
        'a=candidate:1 1 UDP 2130706431 10.1.2.3 4000 typ host',
      ],
    });
    const inv = await call.invite(sdp);
    const offered = inv.body.toString();
    assert.doesNotMatch(offered, /10\.1\.2\.3/, 'no private address toward the carrier');
    assert.doesNotMatch(offered, /a=candidate|a=ice-/, 'ICE stripped on the carrier leg');
    const ok = await call.answer(carrierRtp.sdp());
    // The PBX speaks first (as a NATed phone does), from its real port: rtpengine learns it.
    pbxRtp.start(sdpTarget(ok.body.toString()));
    carrierRtp.start(sdpTarget(offered));
    await waitFor(() => pbxRtp.received >= 25 && carrierRtp.received >= 25, 10_000, 'RTP both ways through NAT');
    pbxRtp.stop();
    carrierRtp.stop();
    await call.bye();
    const rec = (await api.calls(trunk, 'completed')).find((c) => c.call_id === call.callId);
    const media = rec?.media as { pbx: { from: string } };
    assert.equal(media.pbx.from, `127.0.0.2:${pbxRtp.port}`, 'media latched to where the PBX really sends from');
  } finally {
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
  }
});

test('re-INVITE hold and resume go through the same session; the carrier still sees only rtpengine', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    const first = (await call.invite(pbxRtp.sdp({ address: '127.0.0.2' }))).body.toString();
    await call.answer(carrierRtp.sdp());
    let cseq = 2;
    for (const [dir, answerDir] of [
      ['sendonly', 'recvonly'],
      ['sendrecv', 'sendrecv'],
    ] as const) {
      const n = cseq++;
      pbx.send(call.inDialog('INVITE', n, pbxRtp.sdp({ address: '127.0.0.2', extra: [`a=${dir}`] })), h.access('udp'));
      const reinv = await waitFor(
        () =>
          carrier
            .requests('INVITE', call.callId)
            .find((r) => (r.headers.find((x) => x.name === 'cseq')?.value ?? '') === `${n} INVITE`),
        5000,
        `re-INVITE ${dir} at the carrier`,
      );
      const body = reinv.body.toString();
      assert.match(body, new RegExp(`a=${dir}`));
      assert.doesNotMatch(body, /127\.0\.0\.2/);
      assert.equal(sdpTarget(body).port, sdpTarget(first).port, 'the same rtpengine port toward the carrier');
      carrier.reply(reinv, response(reinv, 200, 'OK', { body: carrierRtp.sdp({ extra: [`a=${answerDir}`] }) }));
      const ok = await waitFor(
        () =>
          pbx
            .responses(200, 'INVITE', call.callId)
            .find((r) => (r.headers.find((x) => x.name === 'cseq')?.value ?? '') === `${n} INVITE`),
        5000,
        `200 to the ${dir} re-INVITE at the PBX`,
      );
      assert.doesNotMatch(ok.body.toString(), new RegExp(`m=audio ${carrierRtp.port} `));
      pbx.send(call.inDialog('ACK', n), h.access('udp'));
    }
    pbx.send(call.inDialog('BYE', cseq), h.access('udp'));
    const bye = await carrier.request('BYE', call.callId);
    carrier.reply(bye, response(bye, 200, 'OK'));
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
  }
});

test('200 calls in a row (answered, failed, cancelled) leave 0 sessions in rtpengine', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const pbxRtp = await RtpPeer.open('127.0.0.2');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  try {
    for (let i = 0; i < 200; i++) {
      const call = new TerminationCall(h, pbx, carrier, CALLER);
      await call.invite(pbxRtp.sdp({ address: '127.0.0.2' }));
      if (i % 4 === 0) {
        call.carrierReplies(486, 'Busy Here');
        await pbx.response(486, 'INVITE', call.callId);
      } else if (i % 4 === 1) {
        call.carrierReplies(180, 'Ringing');
        await pbx.response(180, 'INVITE', call.callId);
        call.cancel();
        const cancel = await carrier.request('CANCEL', call.callId);
        carrier.reply(cancel, response(cancel, 200, 'OK'));
        call.carrierReplies(487, 'Request Terminated');
        await pbx.response(487, 'INVITE', call.callId);
      } else {
        await call.answer(carrierRtp.sdp());
        await call.bye();
      }
    }
    await waitFor(async () => (await sessions()) === 0, 10_000, 'every session deleted');
    assert.equal(h.gateway.media?.live, 0);
  } finally {
    pbx.close();
    pbxRtp.close();
    carrierRtp.close();
  }
});
