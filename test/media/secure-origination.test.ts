import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/index.js';
import { getHeader } from '../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import type { ServerTransaction } from '../../src/sip/transaction/transaction-layer.js';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import type { NgClient } from '../../src/media/ng-client.js';
import { ApiClient } from '../support/api-client.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { hv, RawSipPeer, routeSetOf } from '../support/raw-sip-peer.js';
import { request } from '../support/sip-message.js';
import { SrtpContext, SUITE, countSrtp, sdesKey, sendSrtp } from '../support/srtp.js';
import { startTestRtpengine } from '../support/test-rtpengine.js';

/**
 * Origination (carrier → PBX) on a secure trunk: the call goes only to the trunk's TLS destination
 * (a UDP one listed first is never tried), the PBX is offered SDES-SRTP by rtpengine while the
 * carrier leg stays plain RTP, and audio crosses both ways: the PBX decrypts rtpengine's SRTP with
 * the key of the offer, and rtpengine decrypts the PBX's with the key of its answer.
 */
const NUMBER = '+914400000093';
let h: Harness;
let api: ApiClient;
let engine: LocalRtpengine;
let ng: NgClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
let tlsPbx: SipEndpoint;
let udpPbx: SipEndpoint;
let trunk: string;
const certDir = mkdtempSync(join(tmpdir(), 'vsip-srtp-tls-'));
const pbxKey = `inline:${randomBytes(30).toString('base64')}`;
const invites: SipRequest[] = [];
let udpRequests = 0;

before(async () => {
  const rte = await startTestRtpengine();
  engine = rte.engine;
  ng = rte.ng;
  sessions = rte.sessions;
  carrier = await RawSipPeer.open('127.0.0.1');
  tlsPbx = await createSipEndpoint({
    listen: [{ protocol: 'tls', host: '127.0.0.4', port: 0 }],
    tls: { selfSignedDir: certDir },
  });
  udpPbx = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '127.0.0.5', port: 0 }] });
  udpPbx.onRequest((tx) => {
    udpRequests++;
    tx.reply(500);
  });
  h = await startHarness({
    carrier: `sip:127.0.0.1:${carrier.port}`,
    flags: { rtpengine: `udp:127.0.0.1:${engine.ngPort}` },
  });
  api = await ApiClient.create(h);
  trunk = await api.createTrunk('secureinbound');
  await api.mapNumber(trunk, NUMBER);
  await api.addDestinations(trunk, [
    { destination: `127.0.0.5:${udpPbx.addresses()[0]?.port}`, priority: 1 },
    { destination: `127.0.0.4:${tlsPbx.addresses()[0]?.port};transport=tls`, priority: 2 },
  ]);
  await api.updateTrunk(trunk, { secure_trunking: true });
  await h.gateway.snapshot.settled();
});

after(async () => {
  await api.close();
  await h.close();
  carrier.close();
  await tlsPbx.close();
  await udpPbx.close();
  ng.close();
  await engine.stop();
  rmSync(certDir, { recursive: true, force: true });
});

test('secure trunk, origination: only the TLS destination, SRTP to the PBX, plain RTP to the carrier', async () => {
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  const pbxRtp = await RtpPeer.open('127.0.0.4');
  const contactFor = (tx: ServerTransaction): string => `<sip:pbx@127.0.0.4:${tx.source.local.port};transport=tls>`;
  tlsPbx.onRequest((tx) => {
    if (tx.request.method === 'INVITE') {
      invites.push(tx.request);
      const key = sdesKey(tx.request.body.toString());
      const sdp = pbxRtp.sdp({
        address: '127.0.0.4',
        proto: 'RTP/SAVP',
        extra: key === null ? [] : [`a=crypto:${key.tag} ${SUITE} ${pbxKey}`],
      });
      tx.reply(200, 'OK', {
        headers: [{ name: 'Contact', value: contactFor(tx) }],
        body: Buffer.from(sdp),
        contentType: 'application/sdp',
      });
    } else tx.reply(200);
  });
  const clear: Buffer[] = [];
  const onClear = (m: Buffer): void => {
    clear.push(m.subarray(12));
  };
  carrierRtp.socket.on('message', onClear);
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
    const ok = await carrier.response(200, 'INVITE', callId, 10_000);
    assert.equal(udpRequests, 0, 'the UDP destination is never tried on a secure trunk');
    const inv = invites.find((r) => getHeader(r, 'call-id') === callId);
    assert.ok(inv, 'the TLS destination got the call');
    const offer = inv.body.toString();
    assert.match(offer, /^m=audio \d+ RTP\/SAVP 0 101\r?$/m, 'SRTP offered to the PBX');
    assert.doesNotMatch(offer, /NULL_HMAC|a=fingerprint/, 'SDES with a real cipher, no DTLS');
    const rtpengineKey = sdesKey(offer);
    assert.ok(rtpengineKey, `an ${SUITE} key offered`);
    const answered = ok.body.toString();
    assert.match(answered, /^m=audio \d+ RTP\/AVP 0 101\r?$/m, 'plain RTP toward the carrier');
    assert.doesNotMatch(answered, /a=crypto/);
    assert.doesNotMatch(answered, /127\.0\.0\.4/, 'the carrier never sees the PBX address');
    const inDialog = (method: string, cseq: number): string =>
      request({
        method,
        uri: /<([^>]+)>/.exec(hv(ok, 'contact') ?? '')?.[1] ?? '',
        viaPort: carrier.port,
        routes: routeSetOf(ok),
        from: hv(ok, 'from'),
        fromTag: null,
        to: hv(ok, 'to'),
        callId,
        cseq,
        contact: null,
      });
    carrier.send(inDialog('ACK', 1), h.carrierSide('udp'));

    const fromRtpengine = new SrtpContext(rtpengineKey.inline);
    let decrypted = 0;
    let forged = 0;
    pbxRtp.socket.on('message', (m) => {
      const rtp = fromRtpengine.unprotect(m);
      if (rtp === null) forged++;
      else if (rtp.subarray(12).equals(Buffer.alloc(160, 0xff))) decrypted++;
    });
    const toRtpengine = new SrtpContext(pbxKey);
    const target = sdpTarget(offer);
    let seq = 0;
    const timer = setInterval(() => {
      const p = Buffer.alloc(172, 0x55);
      p[0] = 0x80;
      p[1] = 0;
      p.writeUInt16BE(seq, 2);
      p.writeUInt32BE(seq * 160, 4);
      p.writeUInt32BE(0xabcd, 8);
      seq++;
      pbxRtp.socket.send(toRtpengine.protect(p), target.port, target.address);
    }, 20);
    carrierRtp.start(sdpTarget(answered));
    try {
      await waitFor(
        () => decrypted >= 25 && clear.filter((c) => c.equals(Buffer.alloc(160, 0x55))).length >= 25,
        10_000,
        'audio both ways, SRTP on the PBX leg',
      );
    } finally {
      clearInterval(timer);
      carrierRtp.stop();
    }
    assert.equal(forged, 0, 'every SRTP packet from rtpengine authenticated');
    carrier.send(inDialog('BYE', 2), h.carrierSide('udp'));
    await carrier.response(200, 'BYE', callId);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
    const rec = await waitFor(async () => (await api.calls(trunk)).find((c) => c.call_id === callId), 5000, 'record');
    assert.equal(rec.cause, 'completed');
    assert.match(rec.destination ?? '', /transport=tls/);
  } finally {
    carrierRtp.socket.off('message', onClear);
    carrierRtp.close();
    pbxRtp.close();
  }
});

test('secure trunk, origination from a carrier offering SRTP: SRTP answered to it, SRTP to the PBX', async () => {
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  const pbxRtp = await RtpPeer.open('127.0.0.4');
  const carrierKey = `inline:${randomBytes(30).toString('base64')}`;
  tlsPbx.onRequest((tx) => {
    if (tx.request.method === 'INVITE') {
      invites.push(tx.request);
      const key = sdesKey(tx.request.body.toString());
      tx.reply(200, 'OK', {
        headers: [{ name: 'Contact', value: `<sip:pbx@127.0.0.4:${tx.source.local.port};transport=tls>` }],
        body: Buffer.from(
          pbxRtp.sdp({
            address: '127.0.0.4',
            proto: 'RTP/SAVP',
            extra: key === null ? [] : [`a=crypto:${key.tag} ${SUITE} ${pbxKey}`],
          }),
        ),
        contentType: 'application/sdp',
      });
    } else tx.reply(200);
  });
  const stops: Array<() => void> = [];
  try {
    const callId = `${randomBytes(6).toString('hex')}@carrier`;
    carrier.send(
      request({
        method: 'INVITE',
        uri: `sip:${NUMBER}@127.0.0.1:${h.carrierSide('udp').port}`,
        from: '<sip:+14155550198@127.0.0.1>',
        viaPort: carrier.port,
        callId,
        contact: `sip:carrier@127.0.0.1:${carrier.port}`,
        body: carrierRtp.sdp({ proto: 'RTP/SAVP', extra: [`a=crypto:1 ${SUITE} ${carrierKey}`] }),
      }),
      h.carrierSide('udp'),
    );
    const ok = await carrier.response(200, 'INVITE', callId, 10_000);
    const inv = invites.find((r) => getHeader(r, 'call-id') === callId);
    assert.ok(inv, 'the TLS destination got the call');
    const offer = inv.body.toString();
    assert.match(offer, /^m=audio \d+ RTP\/SAVP 0 101\r?$/m, 'SRTP offered to the PBX');
    const towardPbx = sdesKey(offer);
    assert.ok(towardPbx);
    const answered = ok.body.toString();
    assert.match(answered, /^m=audio \d+ RTP\/SAVP 0( 101)?\r?$/m, 'the carrier’s SRTP offer answered with SRTP');
    const towardCarrier = sdesKey(answered);
    assert.ok(towardCarrier, 'a key for the carrier in the answer');
    carrier.send(inDialogOf(ok, callId, 'ACK', 1), h.carrierSide('udp'));
    const atCarrier = countSrtp(carrierRtp, new SrtpContext(towardCarrier.inline), 0x33);
    const atPbx = countSrtp(pbxRtp, new SrtpContext(towardPbx.inline), 0x44);
    stops.push(sendSrtp(pbxRtp, new SrtpContext(pbxKey), sdpTarget(offer), 0x33));
    stops.push(sendSrtp(carrierRtp, new SrtpContext(carrierKey), sdpTarget(answered), 0x44));
    await waitFor(() => atCarrier.good >= 25 && atPbx.good >= 25, 10_000, 'SRTP both ways on both legs');
    for (const stop of stops) stop();
    assert.equal(atCarrier.forged + atPbx.forged, 0, 'every packet authenticated at both ends');
    carrier.send(inDialogOf(ok, callId, 'BYE', 2), h.carrierSide('udp'));
    await carrier.response(200, 'BYE', callId);
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
  } finally {
    for (const stop of stops) stop();
    carrierRtp.close();
    pbxRtp.close();
  }
});

/** A request of the carrier in the dialog its INVITE's 200 set up. */
function inDialogOf(ok: SipResponse, callId: string, method: string, cseq: number): string {
  return request({
    method,
    uri: /<([^>]+)>/.exec(hv(ok, 'contact') ?? '')?.[1] ?? '',
    viaPort: carrier.port,
    routes: routeSetOf(ok),
    from: hv(ok, 'from'),
    fromTag: null,
    to: hv(ok, 'to'),
    callId,
    cseq,
    contact: null,
  });
}
