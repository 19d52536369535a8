import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { parseMessage, SipStreamParser } from '../../src/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { branch, request, response } from '../support/sip-message.js';

/**
 * The relay's answers when the caller gives up or the downstream misbehaves, against raw SIP peers
 * (no SIP stack on their side, so nothing is retried or answered for them): a CANCEL that comes
 * before the downstream's first provisional (RFC 3261 §9.1, §16.10), a 2xx nobody wants any more
 * (ACK + BYE by the proxy), a 503 from downstream (§16.7 step 6), a 6xx during failover (§16.7 step 5).
 */

/** A raw SIP peer over UDP or TCP: every message it received, and a way to answer the gateway. */
class RawPeer {
  readonly got: SipMessage[] = [];
  #reply: ((data: Buffer) => void) | null = null;

  private constructor(
    readonly port: number,
    private readonly sendTo: (data: Buffer, to: { address: string; port: number }) => void,
    readonly close: () => void,
  ) {}

  static async udp(host: string): Promise<RawPeer> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    const p = new RawPeer(
      s.address().port,
      (d, to) => s.send(d, to.port, to.address),
      () => s.close(),
    );
    s.on('message', (m, from) => {
      p.#reply = (d) => s.send(d, from.port, from.address);
      p.got.push(parseMessage(m));
    });
    return p;
  }

  static async tcp(host: string): Promise<RawPeer> {
    const sockets: net.Socket[] = [];
    const server = net.createServer((sock) => {
      sockets.push(sock);
      const parser = new SipStreamParser();
      sock.on('data', (d: Buffer) => {
        for (const item of parser.push(d)) {
          if (item.type !== 'message') continue;
          p.#reply = (out) => sock.write(out);
          p.got.push(item.message);
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, host, () => r()));
    const p = new RawPeer(
      (server.address() as net.AddressInfo).port,
      () => assert.fail('a TCP peer only answers'),
      () => {
        for (const s of sockets) s.destroy();
        server.close();
      },
    );
    return p;
  }

  send(text: string, to: { address: string; port: number }): void {
    this.sendTo(Buffer.from(text), to);
  }

  /** Sends to whoever sent the last message (the gateway). */
  reply(text: string): void {
    assert.ok(this.#reply !== null, 'nothing to reply to');
    this.#reply(Buffer.from(text));
  }

  requests(method: string): SipRequest[] {
    return this.got.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  }

  responses(status: number, method = 'INVITE'): SipResponse[] {
    return this.got.filter(
      (m): m is SipResponse => m.kind === 'response' && m.status === status && (hv(m, 'cseq') ?? '').endsWith(method),
    );
  }

  request(method: string, what = method, ms = 4000): Promise<SipRequest> {
    return waitFor(() => this.requests(method)[0], ms, `${what} at port ${this.port}`);
  }

  response(status: number, method = 'INVITE', ms = 4000): Promise<SipResponse> {
    return waitFor(() => this.responses(status, method)[0], ms, `${status} (${method}) at port ${this.port}`);
  }
}

function hv(m: SipMessage, name: string): string | undefined {
  return m.headers.find((h) => h.name === name)?.value;
}

/** A raw peer's answer to `req`, To tag `uas1` unless given. */
function answer(
  req: SipRequest,
  status: number,
  reason: string,
  contact: string | null = null,
  toTag = 'uas1',
): string {
  return response(req, status, reason, { contact, toTag });
}

const SDP = 'v=0\r\no=pbx 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n';

/** An INVITE (and the CANCEL for it, §9.1: same branch, Call-ID, From, To, CSeq number). */
function inviteFrom(
  host: string,
  port: number,
  uri: string,
  caller: string,
): { invite: string; cancel: string; callId: string } {
  const txn = {
    uri,
    from: `<sip:${caller}@${host}>`,
    fromTag: 'caller1',
    viaHost: host,
    viaPort: port,
    branch: branch(),
    callId: `${randomBytes(8).toString('hex')}@${host}`,
  };
  const invite = request({ ...txn, method: 'INVITE', contact: `sip:caller@${host}:${port}`, body: SDP });
  const cancel = request({ ...txn, method: 'CANCEL', contact: null });
  return { invite, cancel, callId: txn.callId };
}

let h: Harness;
let api: ApiClient;
let carrier: RawPeer;
let termTrunk: string;
const CALLER = '+919800000041';
let seq = 0;

before(async () => {
  carrier = await RawPeer.udp('127.0.0.1');
  h = await startHarness({
    carrier: `sip:127.0.0.1:${carrier.port}`,
    flags: { sipDestinationTimeout: '3000', sipMaxLag: '0', sipMaxLoad: '0' },
  }); // not about overload: off
  api = await ApiClient.create(h);
  termTrunk = await api.terminationTrunk('relay', CALLER, '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
  carrier.close();
});

/** A PBX call towards the raw carrier; resolves once the carrier has the INVITE. */
async function terminationCall(): Promise<{ pbx: RawPeer; cancel: () => void; atCarrier: SipRequest; callId: string }> {
  const pbx = await RawPeer.udp('127.0.0.2');
  const host = `${h.accountSid}.pstn.exotel.com`;
  const m = inviteFrom('127.0.0.2', pbx.port, `sip:+1415555${String(100 + seq++).padStart(4, '0')}@${host}`, CALLER);
  pbx.send(m.invite, h.access('udp'));
  const atCarrier = await waitFor(
    () => carrier.requests('INVITE').find((r) => hv(r, 'call-id') === m.callId),
    4000,
    'INVITE at the carrier',
  ).catch((err: Error) => {
    const got = pbx.got.map((x) => (x.kind === 'response' ? `${x.status} ${x.reason}` : x.method));
    throw new Error(`${err.message}; the PBX got ${got.join(', ') || 'nothing'}`);
  });
  return { pbx, cancel: () => pbx.send(m.cancel, h.access('udp')), atCarrier, callId: m.callId };
}

const ofCall = (peer: RawPeer, method: string, callId: string): SipRequest | undefined =>
  peer.requests(method).find((r) => hv(r, 'call-id') === callId);

async function callRecord(trunk: string, callId: string) {
  return waitFor(async () => (await api.calls(trunk)).find((c) => c.call_id === callId), 4000, `call record ${callId}`);
}

test("termination: a CANCEL before the carrier's first 1xx reaches the carrier once it rings", async () => {
  const { pbx, cancel, atCarrier, callId } = await terminationCall();
  try {
    await pbx.response(100);
    cancel();
    await pbx.response(487);
    carrier.reply(answer(atCarrier, 180, 'Ringing'));
    const c = await waitFor(() => ofCall(carrier, 'CANCEL', callId), 4000, 'the CANCEL at the carrier after its 180');
    assert.equal(
      /branch=([^;,\s]+)/.exec(hv(c, 'via') ?? '')?.[1],
      /branch=([^;,\s]+)/.exec(hv(atCarrier, 'via') ?? '')?.[1],
      'same branch as the INVITE (§9.1)',
    );
    assert.equal(hv(c, 'cseq'), '1 CANCEL');
    carrier.reply(answer(c, 200, 'OK'));
    carrier.reply(answer(atCarrier, 487, 'Request Terminated'));
    const rec = await callRecord(termTrunk, callId);
    assert.equal(rec.cause, 'cancelled');
    assert.equal(rec.final_code, 487);
  } finally {
    pbx.close();
  }
});

test('termination: a 200 with no 1xx after the PBX CANCELled is ACKed and hung up by vsip', async () => {
  const { pbx, cancel, atCarrier, callId } = await terminationCall();
  try {
    await pbx.response(100);
    cancel();
    await pbx.response(487);
    carrier.reply(answer(atCarrier, 200, 'OK', `sip:carrier@127.0.0.1:${carrier.port}`, 'late1'));
    const ack = await waitFor(() => ofCall(carrier, 'ACK', callId), 4000, 'the ACK at the carrier');
    const bye = await waitFor(() => ofCall(carrier, 'BYE', callId), 4000, 'the BYE at the carrier');
    assert.equal(ack.uri, `sip:carrier@127.0.0.1:${carrier.port}`, 'the Contact of the 2xx is the remote target');
    assert.match(hv(bye, 'to') ?? '', /;tag=late1$/);
    assert.equal(hv(ack, 'cseq'), '1 ACK');
    assert.equal(hv(bye, 'cseq'), '2 BYE');
    assert.equal(hv(bye, 'from'), hv(atCarrier, 'from'));
    assert.ok(carrier.got.indexOf(ack) < carrier.got.indexOf(bye), 'ACK before BYE');
    carrier.reply(answer(bye, 200, 'OK'));
    assert.equal(pbx.responses(200).length, 0, 'the PBX that hung up never sees the answer');
  } finally {
    pbx.close();
  }
});

test(
  "termination: a 200 that crosses the PBX's CANCEL leaves no stranded leg (ACK + BYE), the PBX gets " + '487',
  async () => {
    const { pbx, cancel, atCarrier, callId } = await terminationCall();
    try {
      carrier.reply(answer(atCarrier, 180, 'Ringing'));
      await pbx.response(180);
      cancel();
      const c = await waitFor(() => ofCall(carrier, 'CANCEL', callId), 4000, 'the CANCEL at the carrier');
      // The carrier had already answered when the CANCEL arrived: its 200 crosses it.
      carrier.reply(answer(atCarrier, 200, 'OK', `sip:carrier@127.0.0.1:${carrier.port}`, 'cross1'));
      carrier.reply(answer(c, 200, 'OK'));
      await waitFor(() => ofCall(carrier, 'ACK', callId), 4000, 'the ACK at the carrier');
      const bye = await waitFor(() => ofCall(carrier, 'BYE', callId), 4000, 'the BYE at the carrier');
      carrier.reply(answer(bye, 200, 'OK'));
      await pbx.response(487);
      assert.equal(pbx.responses(200).length, 0);
      const rec = await callRecord(termTrunk, callId);
      assert.equal(rec.cause, 'cancelled');
    } finally {
      pbx.close();
    }
  },
);

test(
  'termination: a carrier 503 reaches the PBX as 500 (RFC 3261 §16.7 step 6), the call log keeps the ' + 'cause',
  async () => {
    const { pbx, atCarrier, callId } = await terminationCall();
    try {
      carrier.reply(answer(atCarrier, 503, 'Service Unavailable'));
      await pbx.response(500);
      assert.equal(pbx.responses(503).length, 0);
      const rec = await callRecord(termTrunk, callId);
      assert.equal(rec.final_code, 500);
      assert.equal(rec.cause, 'carrier_error');
    } finally {
      pbx.close();
    }
  },
);

test('in-dialog: a 503 to a relayed BYE reaches the other side as 500', async () => {
  const { pbx, atCarrier, callId } = await terminationCall();
  try {
    carrier.reply(answer(atCarrier, 200, 'OK', `sip:carrier@127.0.0.1:${carrier.port}`, 'dlg1'));
    const ok = await pbx.response(200);
    // §12.1.2: the PBX's route set is the Record-Route of the 2xx, reversed.
    const routes = ok.headers
      .filter((x) => x.name === 'record-route')
      .flatMap((x) => x.value.split(/,\s*(?=<)/))
      .reverse();
    const bye = request({
      method: 'BYE',
      uri: `sip:carrier@127.0.0.1:${carrier.port}`,
      viaHost: '127.0.0.2',
      viaPort: pbx.port,
      routes,
      from: hv(ok, 'from'),
      fromTag: null,
      to: hv(ok, 'to'),
      callId,
      cseq: 2,
      contact: null,
    });
    pbx.send(bye, h.access('udp'));
    const atCarrierBye = await waitFor(() => ofCall(carrier, 'BYE', callId), 4000, 'the BYE at the carrier');
    carrier.reply(answer(atCarrierBye, 503, 'Service Unavailable'));
    await pbx.response(500, 'BYE');
    assert.equal(pbx.responses(503, 'BYE').length, 0);
  } finally {
    pbx.close();
  }
});

/** Origination: the raw carrier calls a number whose trunk has the given TCP destinations. */
async function originationCall(
  number: string,
  destinations: RawPeer[],
): Promise<{ trunk: string; cancel: () => void; callId: string }> {
  const t = await api.createTrunk(`inrelay${++seq}`);
  await api.mapNumber(t, number);
  await api.addDestinations(
    t,
    destinations.map((d, i) => ({ destination: `127.0.0.4:${d.port};transport=tcp`, priority: i + 1 })),
  );
  await h.gateway.snapshot.settled();
  const m = inviteFrom(
    '127.0.0.1',
    carrier.port,
    `sip:${number}@127.0.0.1:${h.carrierSide('udp').port}`,
    '+14155550100',
  );
  carrier.send(m.invite, h.carrierSide('udp'));
  return { trunk: t, cancel: () => carrier.send(m.cancel, h.carrierSide('udp')), callId: m.callId };
}

const carrierGot = (status: number, callId: string): SipResponse | undefined =>
  carrier.got.find(
    (m): m is SipResponse =>
      m.kind === 'response' &&
      m.status === status &&
      hv(m, 'call-id') === callId &&
      (hv(m, 'cseq') ?? '').endsWith('INVITE'),
  );

test(
  "origination: a CANCEL before the PBX's first 1xx reaches the PBX once it rings; a 200 instead is ACKed and " +
    'hung up',
  async () => {
    const ringing = await RawPeer.tcp('127.0.0.4');
    const answering = await RawPeer.tcp('127.0.0.4');
    try {
      // The PBX rings late: it gets the CANCEL after its 180.
      const a = await originationCall('+15550004101', [ringing]);
      const inviteA = await ringing.request('INVITE');
      await waitFor(() => carrierGot(100, a.callId), 4000, '100 at the carrier');
      a.cancel();
      await waitFor(() => carrierGot(487, a.callId), 4000, '487 at the carrier');
      ringing.reply(answer(inviteA, 180, 'Ringing'));
      const c = await ringing.request('CANCEL', 'the CANCEL at the PBX after its 180');
      assert.equal(hv(c, 'call-id'), hv(inviteA, 'call-id'));
      ringing.reply(answer(c, 200, 'OK'));
      ringing.reply(answer(inviteA, 487, 'Request Terminated'));

      // The PBX answers instead of ringing: vsip ACKs its 200 and hangs up.
      const b = await originationCall('+15550004102', [answering]);
      const inviteB = await answering.request('INVITE');
      await waitFor(() => carrierGot(100, b.callId), 4000, '100 at the carrier');
      b.cancel();
      await waitFor(() => carrierGot(487, b.callId), 4000, '487 at the carrier');
      answering.reply(answer(inviteB, 200, 'OK', `sip:pbx@127.0.0.4:${answering.port};transport=tcp`, 'pbx1'));
      const ack = await answering.request('ACK', 'the ACK at the PBX');
      const bye = await answering.request('BYE', 'the BYE at the PBX');
      assert.equal(ack.uri, `sip:pbx@127.0.0.4:${answering.port};transport=tcp`);
      assert.match(hv(bye, 'to') ?? '', /;tag=pbx1$/);
      answering.reply(answer(bye, 200, 'OK'));
      assert.equal(carrierGot(200, b.callId), undefined);
      assert.equal((await callRecord(b.trunk, b.callId)).cause, 'cancelled');
    } finally {
      ringing.close();
      answering.close();
    }
  },
);

test('origination: a 6xx ends failover (RFC 3261 §16.7 step 5)', async () => {
  const declining = await RawPeer.tcp('127.0.0.4');
  const unused = await RawPeer.tcp('127.0.0.4');
  try {
    const a = await originationCall('+15550004103', [declining, unused]);
    declining.reply(answer(await declining.request('INVITE'), 603, 'Decline'));
    await waitFor(() => carrierGot(603, a.callId), 4000, '603 at the carrier');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(unused.requests('INVITE').length, 0, 'no further destination after a 6xx');
    assert.equal((await callRecord(a.trunk, a.callId)).cause, 'declined');
  } finally {
    declining.close();
    unused.close();
  }
});

test('termination: a carrier that answers after vsip gave up on it (504) is ACKed and hung up', async () => {
  const { pbx, atCarrier, callId } = await terminationCall();
  try {
    await pbx.response(504, 'INVITE', 6000); // no response within sipDestinationTimeout
    carrier.reply(answer(atCarrier, 200, 'OK', `sip:carrier@127.0.0.1:${carrier.port}`, 'late2'));
    await waitFor(() => ofCall(carrier, 'ACK', callId), 4000, 'the ACK at the carrier');
    const bye = await waitFor(() => ofCall(carrier, 'BYE', callId), 4000, 'the BYE at the carrier');
    carrier.reply(answer(bye, 200, 'OK'));
    assert.equal(pbx.responses(200).length, 0);
  } finally {
    pbx.close();
  }
});

test('in-dialog: a CANCEL for a re-INVITE goes on to the carrier once it sends a provisional', async () => {
  const { pbx, atCarrier, callId } = await terminationCall();
  try {
    carrier.reply(answer(atCarrier, 200, 'OK', `sip:carrier@127.0.0.1:${carrier.port}`, 'dlg2'));
    const ok = await pbx.response(200);
    const routes = ok.headers
      .filter((x) => x.name === 'record-route')
      .flatMap((x) => x.value.split(/,\s*(?=<)/))
      .reverse();
    // The re-INVITE and its CANCEL: one transaction (§9.1), inside the dialog along its route set.
    const inDialog = {
      uri: `sip:carrier@127.0.0.1:${carrier.port}`,
      viaHost: '127.0.0.2',
      viaPort: pbx.port,
      branch: branch(),
      routes,
      from: hv(ok, 'from'),
      fromTag: null,
      to: hv(ok, 'to'),
      callId,
      cseq: 2,
    };
    pbx.send(
      request({ ...inDialog, method: 'INVITE', contact: `sip:caller@127.0.0.2:${pbx.port}`, body: SDP }),
      h.access('udp'),
    );
    const reInvite = await waitFor(
      () => carrier.requests('INVITE').find((r) => hv(r, 'call-id') === callId && hv(r, 'cseq') === '2 INVITE'),
      4000,
      're-INVITE at the carrier',
    );
    pbx.send(request({ ...inDialog, method: 'CANCEL', contact: null }), h.access('udp'));
    await pbx.response(200, 'CANCEL');
    carrier.reply(answer(reInvite, 180, 'Ringing'));
    const c = await waitFor(
      () => ofCall(carrier, 'CANCEL', callId),
      4000,
      'the CANCEL of the re-INVITE at the carrier',
    );
    assert.equal(hv(c, 'cseq'), '2 CANCEL');
    carrier.reply(answer(c, 200, 'OK'));
    carrier.reply(answer(reInvite, 487, 'Request Terminated'));
    await pbx.response(487, 'INVITE');
  } finally {
    pbx.close();
  }
});
