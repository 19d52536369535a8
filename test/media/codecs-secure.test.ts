import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ApiClient } from '../support/api-client.js';
import { waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer, routeSetOf } from '../support/raw-sip-peer.js';
import { RtpPeer, sdpTarget } from '../support/anchored-rtp-peer.js';
import { request, response } from '../support/sip-message.js';
import { startMediaHarness, type MediaHarness } from '../support/media-harness.js';
import { TerminationCall } from './media-call-flow.js';
import { TlsSipPeer } from './tls-sip-peer.js';

/** The trunk's codec setting and secure_trunking (TLS + SDES-SRTP on the PBX leg, plain RTP to the carrier). */
let m: MediaHarness;
let h: Harness;
let api: ApiClient;
let carrier: RawSipPeer;
const PCMA_CALLER = '+919800000081';
const SECURE_CALLER = '+919800000082';
let pcmaTrunk: string;
let secureTrunk: string;
const KEY = 'inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

before(async () => {
  m = await startMediaHarness();
  ({ h, api, carrier } = m);
  pcmaTrunk = await api.terminationTrunk('pcma', PCMA_CALLER, '127.0.0.2');
  await api.setSetting(pcmaTrunk, 'codecs', 'pcma');
  secureTrunk = await api.terminationTrunk('secure', SECURE_CALLER, '127.0.0.3');
  await api.updateTrunk(secureTrunk, { secure_trunking: true });
  await h.gateway.snapshot.settled();
});

after(() => m?.close());

test('the carrier leg is offered the trunk codecs and telephone-event only; none in the offer is 488', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const rtp = await RtpPeer.open('127.0.0.2');
  try {
    const call = new TerminationCall(h, pbx, carrier, PCMA_CALLER);
    const inv = await call.invite(rtp.sdp({ address: '127.0.0.2', codecs: '0 8 18 101' }));
    const m = /^m=audio \d+ RTP\/AVP ([\d ]+)\r?$/m.exec(inv.body.toString());
    assert.equal(m?.[1], '8 101');
    call.carrierReplies(486, 'Busy Here');
    await pbx.response(486, 'INVITE', call.callId);

    const pcmuOnly = new TerminationCall(h, pbx, carrier, PCMA_CALLER);
    pcmuOnly.sendInvite(rtp.sdp({ address: '127.0.0.2', codecs: '0 101' }));
    const res = await pbx.response(488, 'INVITE', pcmuOnly.callId);
    assert.match(res.reason, /PCMA/);
    assert.equal(carrier.requests('INVITE', pcmuOnly.callId).length, 0);
    const rec = (await api.calls(pcmaTrunk)).find((c) => c.call_id === pcmuOnly.callId);
    assert.equal(rec?.cause, 'codec_not_supported');
  } finally {
    pbx.close();
    rtp.close();
  }
});

test('secure trunk: a call not over TLS is 403 tls_required', async () => {
  const pbx = await RawSipPeer.open('127.0.0.3');
  const rtp = await RtpPeer.open('127.0.0.3');
  try {
    const call = new TerminationCall(h, pbx, carrier, SECURE_CALLER);
    call.sendInvite(
      rtp.sdp({ address: '127.0.0.3', proto: 'RTP/SAVP', extra: [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}`] }),
    );
    await pbx.response(403, 'INVITE', call.callId);
    const rec = (await api.calls(secureTrunk)).find((c) => c.call_id === call.callId);
    assert.equal(rec?.cause, 'tls_required');
  } finally {
    pbx.close();
    rtp.close();
  }
});

test('secure trunk over TLS: a plain RTP offer is 488 srtp_required; SDES-SRTP goes on as plain RTP', async () => {
  const rtp = await RtpPeer.open('127.0.0.3');
  const carrierRtp = await RtpPeer.open('127.0.0.1');
  const pbx = await TlsSipPeer.connect(h.access('tls').port, '127.0.0.3');
  try {
    const invite = (callId: string, sdp: string): string =>
      request({
        method: 'INVITE',
        uri: `sip:+14155550100@${h.accountSid}.pstn.exotel.com`,
        from: `<sip:${SECURE_CALLER}@127.0.0.3>`,
        viaHost: '127.0.0.3',
        viaPort: pbx.localPort,
        transport: 'TLS',
        callId,
        contact: `sip:pbx@127.0.0.3:${pbx.localPort};transport=tls`,
        body: sdp,
      });
    const plain = `${randomBytes(6).toString('hex')}@pbx`;
    pbx.send(invite(plain, rtp.sdp({ address: '127.0.0.3' })));
    await pbx.response(488, plain);
    assert.equal((await api.calls(secureTrunk)).find((c) => c.call_id === plain)?.cause, 'srtp_required');

    const callId = `${randomBytes(6).toString('hex')}@pbx`;
    const sdes = rtp.sdp({
      address: '127.0.0.3',
      proto: 'RTP/SAVP',
      extra: [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}`],
    });
    pbx.send(invite(callId, sdes));
    const atCarrier = await carrier.request('INVITE', callId);
    const offered = atCarrier.body.toString();
    assert.match(offered, /^m=audio \d+ RTP\/AVP /m, 'plain RTP toward the carrier');
    assert.doesNotMatch(offered, /a=crypto/, 'no keys toward the carrier');
    carrier.reply(
      atCarrier,
      response(atCarrier, 200, 'OK', {
        toTag: 'c9',
        contact: `sip:c@127.0.0.1:${carrier.port}`,
        body: carrierRtp.sdp(),
      }),
    );
    const ok = await pbx.response(200, callId);
    const answered = ok.body.toString();
    assert.match(answered, /^m=audio \d+ RTP\/SAVP /m, 'SRTP toward the PBX');
    assert.match(answered, /a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    // The carrier's plain RTP reaches the PBX encrypted: RTP headers as sent, payload no longer the silence sent.
    const payloads: Buffer[] = [];
    rtp.socket.on('message', (m) => payloads.push(m.subarray(12, 172)));
    carrierRtp.start(sdpTarget(offered));
    rtp.sendOne(sdpTarget(answered)); // lets rtpengine learn the PBX's port; fails SRTP auth, as it should
    await waitFor(() => rtp.received >= 10, 10_000, 'SRTP at the PBX');
    carrierRtp.stop();
    assert.ok(
      payloads.every((p) => !p.equals(Buffer.alloc(160, 0xff))),
      'the PBX leg is encrypted',
    );
    const bye = request({
      method: 'BYE',
      uri: `sip:c@127.0.0.1:${carrier.port}`,
      viaHost: '127.0.0.3',
      viaPort: pbx.localPort,
      transport: 'TLS',
      routes: routeSetOf(ok),
      from: ok.headers.find((x) => x.name === 'from')?.value,
      fromTag: null,
      to: ok.headers.find((x) => x.name === 'to')?.value,
      callId,
      cseq: 2,
      contact: null,
    });
    pbx.send(bye);
    const atCarrierBye = await carrier.request('BYE', callId);
    carrier.reply(atCarrierBye, response(atCarrierBye, 200, 'OK'));
    await pbx.response(200, callId);
  } finally {
    pbx.close();
    rtp.close();
    carrierRtp.close();
  }
});
