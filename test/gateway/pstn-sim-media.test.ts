import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { SILENT_AFTER_MS } from '../../src/pstn-sim/number-behaviour.js';
import { offer, rawCall } from '../support/raw-call.js';
import { RtpPeer, type ReceivedRtp } from '../support/rtp-peer.js';
import { waitFor } from '../support/wait-for.js';

const udpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
const rtpPortOf = (sdp: string): number => Number(/^m=audio (\d+) /m.exec(sdp)?.[1]);
const sim = async (t: {
  after(fn: () => Promise<void>): void;
}): Promise<{ s: PstnSim; to: { address: string; port: number } }> => {
  const s = await PstnSim.start();
  t.after(() => s.close());
  return { s, to: { address: '127.0.0.1', port: s.addresses()[0]!.port } };
};
/** Resolves once no new packet has arrived for `quietMs` (the stream stopped). */
const quiet = (p: RtpPeer, quietMs = 300, timeoutMs = 8000): Promise<number> =>
  waitFor(
    () => {
      const last = p.packets.at(-1);
      return last !== undefined && Date.now() - last.at > quietMs ? p.packets.length : false;
    },
    timeoutMs,
    'the stream to stop',
  );

/** A well-formed stream: one SSRC, consecutive sequence numbers, timestamps in 160s, marker on the first only. */
function assertStream(packets: ReceivedRtp[], pt: number): void {
  assert.ok(packets.length > 1);
  const first = packets[0]!;
  assert.equal(first.marker, true, 'marker on the first packet of the talkspurt (RFC 3551 §4.1)');
  for (let i = 1; i < packets.length; i++) {
    const p = packets[i]!;
    const prev = packets[i - 1]!;
    assert.equal(p.ssrc, first.ssrc);
    assert.equal(p.payloadType, pt);
    assert.equal(p.payload.length, 160, '20 ms of G.711');
    assert.equal(p.marker, false);
    assert.equal(p.sequence, (prev.sequence + 1) & 0xffff, 'consecutive sequence numbers');
    // 160 per packet at 8 kHz; after a stall of the sender (a busy machine) the clock may skip whole frames.
    const step = (p.timestamp - prev.timestamp) >>> 0;
    assert.ok(step >= 160 && step % 160 === 0 && step < 8000 * 5, `timestamp step ${step}`);
  }
}

test('an answered call streams PCMU to the offer address at 50 pps, counts what it gets, stops on BYE', async (t) => {
  const { s, to } = await sim(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const handles = udpHandles();
  const call = await rawCall(to, { number: '+14155550123', body: offer(peer.port, '0 8 101') });
  t.after(() => call.close());
  assert.equal(call.status, 200);
  assert.match(call.sdp, /^m=audio \d+ RTP\/AVP 0 101\r$/m, 'PCMU, and telephone-event because it was offered');
  assert.match(call.sdp, /^a=rtpmap:101 telephone-event\/8000\r$/m);
  assert.match(call.sdp, /^c=IN IP4 127\.0\.0\.1\r$/m);
  const simRtp = { address: '127.0.0.1', port: rtpPortOf(call.sdp) };
  const started = Date.now();
  peer.stream(simRtp, 0);
  await waitFor(() => peer.packets.length >= 75 && peer.sent >= 75, 10_000, '1.5 s of audio both ways');
  const elapsed = (Date.now() - started) / 1000;
  assertStream(peer.packets, 0);
  assert.ok(peer.packets.length <= elapsed * 50 + 10, `no more than 50 pps (${peer.packets.length} in ${elapsed} s)`);
  assert.deepEqual(new Set(peer.packets.map((p) => p.from)), new Set([`127.0.0.1:${simRtp.port}`]));
  // DTMF as RFC 4733 events on the negotiated payload type is counted apart.
  peer.stopStream();
  const dtmf = Buffer.from([0x80, 101, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 1, 10, 0, 160]);
  await peer.sendRaw(dtmf, simRtp);
  const live = await waitFor(
    () => {
      const r = s.mediaReport(call.callId);
      return r !== null && r.received.telephoneEvents === 1 && r.received.packets >= peer.sent ? r : false;
    },
    5000,
    'the sim to count the peer',
  );
  assert.equal(live.open, true);
  assert.equal(live.codec, 'PCMU');
  assert.equal(live.latched, true);
  assert.deepEqual(live.received.sources, [`127.0.0.1:${peer.port}`]);
  assert.deepEqual(live.received.payloadTypes, [0, 101]);
  assert.equal(live.received.lost, 0);
  assert.equal(udpHandles(), handles + 2, 'the call has one RTP socket (plus the SIP probe)');

  assert.equal(await call.bye(), 200);
  const total = await quiet(peer);
  const final = s.mediaReport(call.callId)!;
  assert.equal(final.open, false);
  assert.equal(final.endedBy, 'bye');
  assert.ok(Math.abs(final.sent.packets - total) <= 2, `sent ${final.sent.packets}, the peer got ${total}`);
  assert.equal(final.received.packets, peer.sent + 1);
  assert.equal(s.openMediaSockets, 0);
});

test('PCMA when only PCMA is offered; no telephone-event when none is offered', async (t) => {
  const { s, to } = await sim(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const call = await rawCall(to, { number: '+14155550124', body: offer(peer.port, '18 8') });
  t.after(() => call.close());
  assert.match(call.sdp, /^m=audio \d+ RTP\/AVP 8\r$/m);
  await waitFor(() => peer.packets.length >= 10, 5000, 'PCMA packets');
  assertStream(peer.packets, 8);
  assert.equal(await call.bye(), 200);
  assert.equal(s.openMediaSockets, 0);
});

test('symmetric RTP: the stream moves to where RTP comes from, not the SDP address (a PBX behind NAT)', async (t) => {
  const { s, to } = await sim(t);
  const advertised = await RtpPeer.open(); // the private address in the SDP
  const real = await RtpPeer.open('127.0.0.2'); // where the packets really come from
  t.after(() => {
    advertised.close();
    real.close();
  });
  const call = await rawCall(to, { number: '+14155550125', body: offer(advertised.port) });
  t.after(() => call.close());
  await waitFor(() => advertised.packets.length >= 3, 5000, 'audio to the SDP address first');
  real.stream({ address: '127.0.0.1', port: rtpPortOf(call.sdp) }, 0);
  await waitFor(() => real.packets.length >= 10, 5000, 'audio to the latched address');
  const before = advertised.packets.length;
  await waitFor(() => real.packets.length >= 25, 5000, 'more audio');
  assert.ok(advertised.packets.length <= before + 1, 'nothing more to the SDP address once latched');
  assertStream([...advertised.packets, ...real.packets], 0); // one stream that changed destination
  const r = s.mediaReport(call.callId)!;
  assert.equal(r.latched, true);
  assert.equal(r.remote, `127.0.0.2:${real.port}`);
  assert.equal(await call.bye(), 200);
});

test('special numbers: no RTP (0107), deaf (0108), silent after 2 s (0109), early media (0110)', async (t) => {
  const { s, to } = await sim(t);
  const peers = await Promise.all([RtpPeer.open(), RtpPeer.open(), RtpPeer.open(), RtpPeer.open(), RtpPeer.open()]);
  t.after(() => {
    for (const p of peers) p.close();
  });
  const [a, b, bSide, c, d] = peers as [RtpPeer, RtpPeer, RtpPeer, RtpPeer, RtpPeer];
  const noRtp = await rawCall(to, { number: '+15005550107', body: offer(a.port) });
  const deaf = await rawCall(to, { number: '+15005550108', body: offer(b.port) });
  const silent = await rawCall(to, { number: '+15005550109', body: offer(c.port) });
  const early = await rawCall(to, { number: '+15005550110', body: offer(d.port) });
  const calls = [noRtp, deaf, silent, early];
  t.after(() => {
    for (const x of calls) x.close();
  });
  assert.deepEqual(
    calls.map((x) => x.status),
    [200, 200, 200, 200],
  );
  // Early media: 183 with SDP (RFC 3960) and the prompt flowing before the 200.
  assert.ok(early.statuses.includes(183), `${early.statuses}`);
  assert.ok(d.packets.length >= 20, `${d.packets.length} packets of early media before the 200`);
  a.stream({ address: '127.0.0.1', port: rtpPortOf(noRtp.sdp) }, 0, 50);
  bSide.stream({ address: '127.0.0.1', port: rtpPortOf(deaf.sdp) }, 0, 50);
  const stopped = await quiet(c, 400, SILENT_AFTER_MS + 8000);
  assert.ok(stopped >= 70 && stopped <= SILENT_AFTER_MS / 20 + 3, `0109 sent ${stopped} packets in 2 s`);
  await waitFor(() => a.sent >= 50 && bSide.sent >= 50, 5000, 'the peers to finish');
  await waitFor(() => s.mediaReport(noRtp.callId)?.received.packets === 50 || undefined, 5000, '0107 counts');
  await waitFor(() => s.mediaReport(deaf.callId)?.received.ignored === 50 || undefined, 5000, '0108 ignores');
  assert.equal(a.packets.length, 0, '0107 sent nothing');
  assert.equal(s.mediaReport(noRtp.callId)!.sent.packets, 0);
  assert.ok(b.packets.length >= 50, '0108 streams to the SDP address');
  assert.equal(bSide.packets.length, 0, '0108 never latches');
  assert.equal(s.mediaReport(deaf.callId)!.received.packets, 0);
  assert.ok(s.mediaReport(silent.callId)!.open, '0109 keeps the call up, silent');
  for (const x of calls) assert.equal(await x.bye(), 200);
  assert.equal(s.openMediaSockets, 0);
});

test('late offer: the 200 carries our offer, the answer in the ACK starts the stream', async (t) => {
  const { s, to } = await sim(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const call = await rawCall(to, { number: '+14155550126', body: '', ackBody: offer(peer.port, '8') });
  t.after(() => call.close());
  assert.equal(call.status, 200);
  assert.match(call.sdp, /^m=audio \d+ RTP\/AVP 0 8 101\r$/m);
  await waitFor(() => peer.packets.length >= 10, 5000, 'audio after the ACK');
  assertStream(peer.packets, 8);
  assert.equal(s.mediaReport(call.callId)?.codec, 'PCMA');
  assert.equal(await call.bye(), 200);
  assert.equal(s.openMediaSockets, 0);
});

test('re-INVITE: hold (a=sendonly) pauses the stream, a new offer resumes it at the new address', async (t) => {
  const { s, to } = await sim(t);
  const first = await RtpPeer.open();
  const second = await RtpPeer.open();
  t.after(() => {
    first.close();
    second.close();
  });
  const call = await rawCall(to, { number: '+14155550127', body: offer(first.port) });
  t.after(() => call.close());
  await waitFor(() => first.packets.length >= 5, 5000, 'audio');
  const hold = await call.reinvite(offer(first.port).replace('a=rtpmap:0', 'a=sendonly\r\na=rtpmap:0'));
  assert.equal(hold.status, 200);
  assert.match(hold.sdp, /^a=recvonly\r$/m, 'RFC 3264 §6.1: sendonly is answered recvonly');
  assert.match(hold.sdp, /^o=pstn-sim (\d+) (\d+) /m);
  const [, id, v1] = /^o=pstn-sim (\d+) (\d+) /m.exec(hold.sdp)!;
  assert.equal(Number(v1), Number(id) + 1, 'the o= version grows with the change (RFC 3264 §8)');
  const held = await quiet(first);
  const resume = await call.reinvite(offer(second.port));
  assert.equal(resume.status, 200);
  assert.match(resume.sdp, /^a=sendrecv\r$/m);
  assert.equal(rtpPortOf(resume.sdp), rtpPortOf(call.sdp), 'the same socket');
  await waitFor(() => second.packets.length >= 5, 5000, 'audio at the new address');
  assert.equal(first.packets.length, held, 'nothing more to the old address');
  assert.equal(second.packets[0]!.marker, true, 'a new talkspurt after hold');
  assert.equal(second.packets[0]!.ssrc, first.packets[0]!.ssrc, 'the same stream');
  const bad = await call.reinvite('not sdp');
  assert.equal(bad.status, 488, 'an unacceptable new offer: 488, the session unchanged');
  assert.ok(s.mediaReport(call.callId)!.open);
  assert.equal(await call.bye(), 200);
});
