import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { ApiClient } from '../support/api-client.js';
import { waitFor, type Harness } from '../support/gateway-harness.js';
import { RawSipPeer } from '../support/raw-sip-peer.js';
import { RtpPeer } from '../support/anchored-rtp-peer.js';
import { response } from '../support/sip-message.js';
import { startMediaHarness, type MediaHarness } from '../support/media-harness.js';
import { TerminationCall } from './media-call-flow.js';

/**
 * Bad input on the media path: an rtpengine that is down, SDP bombs and garbage from either side.
 * Each gets a clear SIP answer and a call-log cause, and no session is left behind.
 */
let m: MediaHarness;
let h: Harness;
let down: Harness;
let api: ApiClient;
let downApi: ApiClient;
let sessions: () => Promise<number>;
let carrier: RawSipPeer;
let deadPort: dgram.Socket;
let trunk: string;
let downTrunk: string;
const CALLER = '+919800000061';

before(async () => {
  m = await startMediaHarness();
  ({ h, api, sessions, carrier } = m);
  trunk = await api.terminationTrunk('bad', CALLER, '127.0.0.2');
  // An "engine" that swallows every command: bound, so no ICMP error, and never answers.
  deadPort = dgram.createSocket('udp4');
  await new Promise<void>((r) => deadPort.bind(0, '127.0.0.1', () => r()));
  ({ h: down, api: downApi } = await m.gateway({ flags: { rtpengine: `udp:127.0.0.1:${deadPort.address().port}` } }));
  downTrunk = await downApi.terminationTrunk('down', CALLER, '127.0.0.2');
});

after(async () => {
  await m?.close();
  deadPort?.close();
});

test('an rtpengine that never answers: 503 to the PBX, nothing rings, cause media_unavailable', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const rtp = await RtpPeer.open('127.0.0.2');
  try {
    const call = new TerminationCall(down, pbx, carrier, CALLER);
    call.sendInvite(rtp.sdp({ address: '127.0.0.2' }));
    const res = await pbx.response(503, 'INVITE', call.callId, 10_000);
    assert.match(res.reason, /media engine/);
    assert.equal(carrier.requests('INVITE', call.callId).length, 0, 'the carrier never saw the call');
    const rec = (await downApi.calls(downTrunk)).find((c) => c.call_id === call.callId);
    assert.equal(rec?.cause, 'media_unavailable');
  } finally {
    pbx.close();
    rtp.close();
  }
});

test('SDP bombs from the PBX (thousands of m-lines, of candidates) get 488 before any media is set up', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const rtp = await RtpPeer.open('127.0.0.2');
  try {
    const mlines = Array.from({ length: 1500 }, (_, i) => `m=audio ${10000 + i} RTP/AVP 0`);
    const candidates = Array.from({ length: 1000 }, (_, i) => `a=candidate:${i} 1 UDP 1 10.0.0.1 ${i + 1000} typ host`);
    for (const extra of [mlines, candidates]) {
      const call = new TerminationCall(h, pbx, carrier, CALLER);
      call.sendInvite(rtp.sdp({ address: '127.0.0.2', extra }));
      await pbx.response(488, 'INVITE', call.callId);
      assert.equal(carrier.requests('INVITE', call.callId).length, 0);
    }
    assert.equal(await sessions(), 0);
  } finally {
    pbx.close();
    rtp.close();
  }
});

test('a carrier answering garbage SDP: its leg is ended (ACK + BYE), the PBX gets 503, no session left', async () => {
  const pbx = await RawSipPeer.open('127.0.0.2');
  const rtp = await RtpPeer.open('127.0.0.2');
  try {
    const call = new TerminationCall(h, pbx, carrier, CALLER);
    const inv = await call.invite(rtp.sdp({ address: '127.0.0.2' }));
    carrier.reply(
      inv,
      response(inv, 200, 'OK', {
        toTag: 'c1',
        contact: `sip:c@127.0.0.1:${carrier.port}`,
        body: 'v=0\r\nnonsense\r\n',
      }),
    );
    await pbx.response(503, 'INVITE', call.callId);
    const bye = await carrier.request('BYE', call.callId);
    carrier.reply(bye, response(bye, 200, 'OK'));
    await waitFor(async () => (await sessions()) === 0, 5000, 'the session deleted');
    const rec = (await api.calls(trunk)).find((c) => c.call_id === call.callId);
    assert.equal(rec?.cause, 'media_unavailable');
  } finally {
    pbx.close();
    rtp.close();
  }
});
