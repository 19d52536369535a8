import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import type { NgClient } from '../../src/media/ng-client.js';
import type { SipResponse } from '../../src/sip/message/types.js';
import type { CallRecord } from '../../src/store/types.js';
import { ApiClient } from '../support/api-client.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { hv, RawSipPeer, routeSetOf } from '../support/raw-sip-peer.js';
import { request, response } from '../support/sip-message.js';
import { SrtpContext, SUITE, sdesKey } from '../support/srtp.js';
import { startTestRtpengine } from '../support/test-rtpengine.js';
import { MemoryPlanSource, testCarrier } from '../gateway/carrier-fixtures.js';
import { TerminationCall } from './media-call-flow.js';

/**
 * A carrier's `codecs` and `srtp` applied to its leg, through a real rtpengine: the offer a carrier
 * gets is the trunk's codecs ∩ its own (telephone-event kept), SDES-SRTP when it is configured for
 * SRTP and plain RTP otherwise, and failover to a carrier with other rules offers again.
 */
const CALLER = '+919800000071';
let h: Harness;
let api: ApiClient;
let engine: LocalRtpengine;
let ng: NgClient;
let sessions: () => Promise<number>;
let trunk: string;
let pbx: RawSipPeer;
let pbxRtp: RtpPeer;
const plan = new MemoryPlanSource([], []);

before(async () => {
  const rte = await startTestRtpengine();
  engine = rte.engine;
  ng = rte.ng;
  sessions = rte.sessions;
  h = await startHarness({ carrierPlan: plan, flags: { rtpengine: `udp:127.0.0.1:${engine.ngPort}` } });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('pbx', CALLER, '127.0.0.2');
  pbx = await RawSipPeer.open('127.0.0.2');
  pbxRtp = await RtpPeer.open('127.0.0.2');
});

after(async () => {
  pbx.close();
  pbxRtp.close();
  await api.close();
  await h.close();
  ng.close();
  await engine.stop();
});

const audioLine = (sdp: string): string => /^m=audio \d+ (.*?)\r?$/m.exec(sdp)?.[1] ?? '';

/** The call's record once written (the media stats are read from rtpengine before it is). */
async function record(callId: string): Promise<CallRecord & { codes: Array<number | string | null> }> {
  const c = await waitFor(
    async () => {
      await h.gateway.callLog.flush();
      const page = await h.store.listCalls(h.accountSid, trunk, { limit: 20, offset: 0 });
      return page.items.find((x) => x.callId === callId && x.endedAt !== null);
    },
    5000,
    `the record of ${callId}`,
  );
  const attempts = JSON.parse(c.carrierAttempts ?? '[]') as Array<{ code: number | string | null }>;
  return { ...c, codes: attempts.map((a) => a.code) };
}

/** A request of the PBX in the dialog its 200 set up, to the answering party's Contact. */
function inDialog(ok: SipResponse, callId: string, method: string, cseq: number): string {
  const contact = /<([^>]+)>/.exec(hv(ok, 'contact') ?? '')?.[1] ?? '';
  return request({
    method,
    uri: contact,
    viaHost: '127.0.0.2',
    viaPort: pbx.port,
    routes: routeSetOf(ok),
    from: hv(ok, 'from'),
    fromTag: null,
    to: hv(ok, 'to'),
    callId,
    cseq,
    contact: null,
  });
}

/** An RTP packet with a payload of `fill` bytes (160: 20 ms of G.711). */
function rtpPacket(seq: number, ssrc: number, fill: number, pt = 0): Buffer {
  const p = Buffer.alloc(12 + 160, fill);
  p[0] = 0x80;
  p[1] = pt;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc, 8);
  return p;
}

test('carrier codecs: each carrier is offered the trunk codecs ∩ its own; failover offers again', async () => {
  const first = await RawSipPeer.open('127.0.0.1');
  const sim = await PstnSim.start();
  try {
    plan.set(
      [
        testCarrier('pcmu-only', [[`sip:127.0.0.1:${first.port}`, 0, 1]], { codecs: ['PCMU'] }),
        testCarrier('pcma-sim', [[sim.uri, 0, 1]], { codecs: ['PCMA'] }),
      ],
      [
        [
          '',
          [
            ['pcmu-only', 0, 1],
            ['pcma-sim', 1, 1],
          ],
        ],
      ],
    );
    const call = new TerminationCall(h, pbx, first, CALLER);
    // PCMU first: the simulator picks PCMU whenever it is offered, so its PCMA answer shows what it was offered.
    const inv = await call.invite(pbxRtp.sdp({ address: '127.0.0.2', codecs: '0 8 18 101' }));
    assert.equal(audioLine(inv.body.toString()), 'RTP/AVP 0 101', 'the PCMU carrier: PCMU and telephone-event');
    call.carrierReplies(503, 'Service Unavailable');
    const ok = await pbx.response(200, 'INVITE', call.callId, 10_000);
    const atSim = sim.received.find((r) => hv(r, 'call-id') === call.callId);
    assert.ok(atSim, 'the second carrier got the call');
    assert.equal(audioLine(atSim.body.toString()), 'RTP/AVP 8 101', 'the PCMA carrier: offered again, PCMA only');
    assert.equal(
      inv.body.toString().match(/^m=audio (\d+)/m)?.[1],
      atSim.body.toString().match(/^m=audio (\d+)/m)?.[1],
    );
    const answered = ok.body.toString();
    assert.match(audioLine(answered), /^RTP\/AVP 8( 101)?$/, 'the PBX gets the PCMA answer');
    pbx.send(inDialog(ok, call.callId, 'ACK', 1), h.access('udp'));
    pbxRtp.payloadType = 8;
    pbxRtp.start(sdpTarget(answered));
    await waitFor(
      () => pbxRtp.received >= 25 && (sim.mediaReport(call.callId)?.received.packets ?? 0) >= 25,
      10_000,
      'audio both ways through the second carrier',
    );
    pbxRtp.stop();
    pbx.send(inDialog(ok, call.callId, 'BYE', 2), h.access('udp'));
    await pbx.response(200, 'BYE', call.callId);
    const rec = await record(call.callId);
    assert.equal(rec.cause, 'completed');
    assert.equal(rec.carrier, 'pcma-sim');
    assert.deepEqual(rec.codes, [503, 200]);
    assert.ok((rec.media?.carrier.packets ?? 0) >= 25, 'the media facts are the answering carrier’s');
    assert.ok((rec.media?.pbx.packets ?? 0) >= 25);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    pbxRtp.stop();
    first.close();
    await sim.close();
  }
});

test('carrier codecs: a carrier sharing no codec is skipped; none sharing one is 488 no_common_codec', async () => {
  const g729 = await RawSipPeer.open('127.0.0.1');
  const pcma = await RawSipPeer.open('127.0.0.1');
  try {
    plan.set(
      [
        testCarrier('g729', [[`sip:127.0.0.1:${g729.port}`, 0, 1]], { codecs: ['G729'] }),
        testCarrier('pcma', [[`sip:127.0.0.1:${pcma.port}`, 0, 1]], { codecs: ['PCMA'] }),
      ],
      [
        [
          '',
          [
            ['g729', 0, 1],
            ['pcma', 1, 1],
          ],
        ],
      ],
    );
    const none = new TerminationCall(h, pbx, pcma, CALLER);
    none.sendInvite(pbxRtp.sdp({ address: '127.0.0.2', codecs: '0 101' }));
    const refused = await pbx.response(488, 'INVITE', none.callId);
    assert.match(refused.reason, /no carrier takes the offered codecs/);
    assert.equal(g729.requests('INVITE').length + pcma.requests('INVITE').length, 0, 'no carrier was tried');
    assert.equal((await record(none.callId)).cause, 'no_common_codec');
    assert.equal(await sessions(), 0, 'no media session for a refused call');

    const call = new TerminationCall(h, pbx, pcma, CALLER);
    const inv = await call.invite(pbxRtp.sdp({ address: '127.0.0.2', codecs: '0 8 101' }));
    assert.equal(audioLine(inv.body.toString()), 'RTP/AVP 8 101');
    assert.equal(g729.requests('INVITE', call.callId).length, 0, 'the G.729 carrier was skipped');
    call.carrierReplies(486, 'Busy Here');
    await pbx.response(486, 'INVITE', call.callId);
    const rec = await record(call.callId);
    assert.equal(rec.carrier, 'pcma');
    assert.deepEqual(rec.codes, [486]);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    g729.close();
    pcma.close();
  }
});

test('carrier srtp: a plain carrier fails over to an SRTP one: SDES toward it, plain RTP to the PBX', async () => {
  const plain = await RawSipPeer.open('127.0.0.1');
  const secure = await RawSipPeer.open('127.0.0.1');
  const secureRtp = await RtpPeer.open('127.0.0.1');
  const clear: Buffer[] = [];
  const onClear = (m: Buffer): void => {
    clear.push(m.subarray(12));
  };
  try {
    plan.set(
      [
        testCarrier('plain', [[`sip:127.0.0.1:${plain.port}`, 0, 1]]),
        testCarrier('secure', [[`sip:127.0.0.1:${secure.port}`, 0, 1]], { srtp: true }),
      ],
      [
        [
          '',
          [
            ['plain', 0, 1],
            ['secure', 1, 1],
          ],
        ],
      ],
    );
    const call = new TerminationCall(h, pbx, plain, CALLER);
    const first = await call.invite(pbxRtp.sdp({ address: '127.0.0.2', codecs: '0 101' }));
    assert.equal(audioLine(first.body.toString()), 'RTP/AVP 0 101');
    assert.doesNotMatch(first.body.toString(), /a=crypto/);
    call.carrierReplies(503, 'Service Unavailable');
    const inv = await secure.request('INVITE', call.callId);
    const offer = inv.body.toString();
    assert.equal(audioLine(offer), 'RTP/SAVP 0 101', 'SRTP toward the SRTP carrier');
    assert.doesNotMatch(offer, /NULL_HMAC/, 'no NULL cipher offered');
    assert.doesNotMatch(offer, /a=fingerprint/, 'SDES, not DTLS');
    const theirs = sdesKey(offer);
    assert.ok(theirs, `an ${SUITE} key in the offer`);
    const ourKey = `inline:${randomBytes(30).toString('base64')}`;
    const answer = secureRtp.sdp({
      proto: 'RTP/SAVP',
      extra: [`a=crypto:${theirs.tag} ${SUITE} ${ourKey}`],
    });
    secure.reply(
      inv,
      response(inv, 200, 'OK', { toTag: 'sec1', contact: `sip:c@127.0.0.1:${secure.port}`, body: answer }),
    );
    const ok = await pbx.response(200, 'INVITE', call.callId);
    const toPbx = ok.body.toString();
    assert.equal(audioLine(toPbx).split(' ')[0], 'RTP/AVP', 'plain RTP toward the PBX');
    assert.doesNotMatch(toPbx, /a=crypto/);
    pbx.send(inDialog(ok, call.callId, 'ACK', 1), h.access('udp'));

    // The carrier reads rtpengine's SRTP with rtpengine's key: authenticated, and the PBX's payload (0xff) inside.
    const inbound = new SrtpContext(theirs.inline);
    let decrypted = 0;
    let forged = 0;
    secureRtp.socket.on('message', (m) => {
      const rtp = inbound.unprotect(m);
      if (rtp === null) forged++;
      else if (rtp.subarray(12).equals(Buffer.alloc(160, 0xff))) decrypted++;
    });
    // The PBX gets the carrier's SRTP decrypted: the carrier's payload (0x55) in the clear.
    pbxRtp.socket.on('message', onClear);
    const outbound = new SrtpContext(ourKey);
    const toRtpengine = sdpTarget(offer);
    let seq = 0;
    const timer = setInterval(() => {
      secureRtp.socket.send(outbound.protect(rtpPacket(seq++, 0x1234, 0x55)), toRtpengine.port, toRtpengine.address);
    }, 20);
    pbxRtp.start(sdpTarget(toPbx));
    try {
      await waitFor(
        () => decrypted >= 25 && clear.filter((p) => p.equals(Buffer.alloc(160, 0x55))).length >= 25,
        10_000,
        'SRTP both ways on the carrier leg',
      );
    } finally {
      clearInterval(timer);
      pbxRtp.stop();
    }
    assert.equal(forged, 0, 'every SRTP packet from rtpengine authenticated');
    pbx.send(inDialog(ok, call.callId, 'BYE', 2), h.access('udp'));
    const bye = await secure.request('BYE', call.callId);
    secure.reply(bye, response(bye, 200, 'OK'));
    await pbx.response(200, 'BYE', call.callId);
    const rec = await record(call.callId);
    assert.equal(rec.carrier, 'secure');
    assert.deepEqual(rec.codes, [503, 200]);
    assert.equal(rec.media?.carrier.errors, 0, 'rtpengine authenticated every packet of the carrier');
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    pbxRtp.stop();
    pbxRtp.socket.off('message', onClear);
    plain.close();
    secure.close();
    secureRtp.close();
  }
});

test('carrier srtp: an SRTP carrier fails over to a plain one, which gets plain RTP/AVP', async () => {
  const secure = await RawSipPeer.open('127.0.0.1');
  const plain = await RawSipPeer.open('127.0.0.1');
  try {
    plan.set(
      [
        testCarrier('secure', [[`sip:127.0.0.1:${secure.port}`, 0, 1]], { srtp: true }),
        testCarrier('plain', [[`sip:127.0.0.1:${plain.port}`, 0, 1]]),
      ],
      [
        [
          '',
          [
            ['secure', 0, 1],
            ['plain', 1, 1],
          ],
        ],
      ],
    );
    const call = new TerminationCall(h, pbx, secure, CALLER);
    const first = await call.invite(pbxRtp.sdp({ address: '127.0.0.2', codecs: '0 101' }));
    assert.equal(audioLine(first.body.toString()), 'RTP/SAVP 0 101');
    assert.ok(sdesKey(first.body.toString()));
    call.carrierReplies(500, 'Server Internal Error');
    const inv = await plain.request('INVITE', call.callId);
    assert.equal(audioLine(inv.body.toString()), 'RTP/AVP 0 101', 'plain RTP toward the plain carrier');
    assert.doesNotMatch(inv.body.toString(), /a=crypto|a=fingerprint/);
    plain.reply(inv, response(inv, 486, 'Busy Here', { toTag: 'p1' }));
    await pbx.response(486, 'INVITE', call.callId);
    assert.deepEqual((await record(call.callId)).codes, [500, 486]);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    secure.close();
    plain.close();
  }
});

test('failover after early media: the next carrier is offered again, and the record’s media is its', async () => {
  const early = await RawSipPeer.open('127.0.0.1');
  const next = await RawSipPeer.open('127.0.0.1');
  const earlyRtp = await RtpPeer.open('127.0.0.1');
  const nextRtp = await RtpPeer.open('127.0.0.1');
  try {
    plan.set(
      [
        testCarrier('early', [[`sip:127.0.0.1:${early.port}`, 0, 1]], { codecs: ['PCMU'] }),
        testCarrier('next', [[`sip:127.0.0.1:${next.port}`, 0, 1]], { codecs: ['PCMA'] }),
      ],
      [
        [
          '',
          [
            ['early', 0, 1],
            ['next', 1, 1],
          ],
        ],
      ],
    );
    const call = new TerminationCall(h, pbx, early, CALLER);
    await call.invite(pbxRtp.sdp({ address: '127.0.0.2', codecs: '0 8 101' }));
    call.carrierReplies(183, 'Session Progress', earlyRtp.sdp());
    const ringing = await pbx.response(183, 'INVITE', call.callId);
    assert.match(audioLine(ringing.body.toString()), /^RTP\/AVP 0/, 'the early media answer reached the PBX');
    call.carrierReplies(503, 'Service Unavailable');
    const inv = await next.request('INVITE', call.callId);
    assert.equal(audioLine(inv.body.toString()), 'RTP/AVP 8 101');
    const nextSdp = nextRtp.sdp({ codecs: '8 101' }).replace('a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000');
    next.reply(
      inv,
      response(inv, 200, 'OK', { toTag: 'next1', contact: `sip:c@127.0.0.1:${next.port}`, body: nextSdp }),
    );
    const ok = await pbx.response(200, 'INVITE', call.callId);
    const answered = ok.body.toString();
    assert.match(audioLine(answered), /^RTP\/AVP 8/);
    pbx.send(inDialog(ok, call.callId, 'ACK', 1), h.access('udp'));
    pbxRtp.payloadType = 8;
    nextRtp.payloadType = 8;
    pbxRtp.start(sdpTarget(answered));
    nextRtp.start(sdpTarget(inv.body.toString()));
    await waitFor(
      () => pbxRtp.received >= 25 && nextRtp.received >= 25,
      10_000,
      'audio both ways with the next carrier',
    );
    pbxRtp.stop();
    nextRtp.stop();
    pbx.send(inDialog(ok, call.callId, 'BYE', 2), h.access('udp'));
    const bye = await next.request('BYE', call.callId);
    next.reply(bye, response(bye, 200, 'OK'));
    await pbx.response(200, 'BYE', call.callId);
    const rec = await record(call.callId);
    assert.equal(rec.carrier, 'next');
    assert.deepEqual(rec.codes, [503, 200]);
    // The answering carrier's packets (before, a failover after early media left them under the first carrier's
    // tag and the record said 0); rtpengine's counters may trail what reached the PBX by a packet or two.
    const carrierPackets = rec.media?.carrier.packets ?? 0;
    assert.ok(carrierPackets >= 20, `the carrier facts are the answering carrier’s: ${JSON.stringify(rec.media)}`);
    assert.equal(earlyRtp.received, 0, 'nothing went to the carrier that failed');
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    pbxRtp.stop();
    nextRtp.stop();
    pbxRtp.payloadType = 0;
    early.close();
    next.close();
    earlyRtp.close();
    nextRtp.close();
  }
});
