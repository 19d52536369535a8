import { randomBytes } from 'node:crypto';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import type { Harness } from '../support/gateway-harness.js';
import { hv, routeSetOf, type RawSipPeer } from '../support/raw-sip-peer.js';
import { branch, request, response } from '../support/sip-message.js';

/** One termination call between a raw PBX and a raw carrier, driven step by step. */
export class TerminationCall {
  readonly callId = `${randomBytes(8).toString('hex')}@pbx`;
  atCarrier: SipRequest | null = null;
  ok: SipResponse | null = null;
  readonly inviteBranch = branch();

  constructor(
    readonly h: Harness,
    readonly pbx: RawSipPeer,
    readonly carrier: RawSipPeer,
    readonly caller: string,
    readonly callee = '+14155550100',
  ) {}

  /** PBX → gateway INVITE with `sdp`; resolves with the INVITE as the carrier got it. */
  async invite(sdp: string, extra: string[] = []): Promise<SipRequest> {
    this.sendInvite(sdp, extra);
    this.atCarrier = await this.carrier.request('INVITE', this.callId);
    return this.atCarrier;
  }

  sendInvite(sdp: string, extra: string[] = []): void {
    this.pbx.send(
      request({
        branch: this.inviteBranch,
        method: 'INVITE',
        uri: `sip:${this.callee}@${this.h.accountSid}.pstn.exotel.com`,
        from: `<sip:${this.caller}@${this.pbx.host}>`,
        fromTag: 'pbxtag',
        viaHost: this.pbx.host,
        viaPort: this.pbx.port,
        callId: this.callId,
        contact: `sip:pbx@${this.pbx.host}:${this.pbx.port}`,
        body: sdp,
        extra,
      }),
      this.h.access('udp'),
    );
  }

  /** The PBX gives up: CANCEL with the INVITE's branch, From, To, Call-ID and CSeq number (RFC 3261 §9.1). */
  cancel(): void {
    this.pbx.send(
      request({
        method: 'CANCEL',
        branch: this.inviteBranch,
        uri: `sip:${this.callee}@${this.h.accountSid}.pstn.exotel.com`,
        from: `<sip:${this.caller}@${this.pbx.host}>`,
        fromTag: 'pbxtag',
        viaHost: this.pbx.host,
        viaPort: this.pbx.port,
        callId: this.callId,
        contact: null,
      }),
      this.h.access('udp'),
    );
  }

  /** The carrier answers the INVITE with a status of its own (a failure, a provisional). */
  carrierReplies(status: number, reason: string, body?: string): void {
    const inv = this.atCarrier as SipRequest;
    this.carrier.reply(
      inv,
      response(inv, status, reason, {
        toTag: 'carriertag',
        contact: `sip:c@127.0.0.1:${this.carrier.port}`,
        ...(body ? { body } : {}),
      }),
    );
  }

  /** The carrier answers 200 with `sdp`; resolves with the 200 as the PBX got it (after sending the ACK). */
  async answer(sdp: string): Promise<SipResponse> {
    const inv = this.atCarrier as SipRequest;
    this.carrier.reply(
      inv,
      response(inv, 200, 'OK', { toTag: 'carriertag', contact: `sip:c@127.0.0.1:${this.carrier.port}`, body: sdp }),
    );
    const ok = await this.pbx.response(200, 'INVITE', this.callId);
    this.ok = ok;
    this.pbx.send(this.inDialog('ACK', 1), this.h.access('udp'));
    return ok;
  }

  /** A request of the PBX inside the dialog, along the route set of the 2xx. */
  inDialog(method: string, cseq: number, body?: string): string {
    const ok = this.ok as SipResponse;
    return request({
      method,
      uri: `sip:c@127.0.0.1:${this.carrier.port}`,
      viaHost: this.pbx.host,
      viaPort: this.pbx.port,
      routes: routeSetOf(ok),
      from: hv(ok, 'from'),
      fromTag: null,
      to: hv(ok, 'to'),
      callId: this.callId,
      cseq,
      contact: method === 'INVITE' ? `sip:pbx@${this.pbx.host}:${this.pbx.port}` : null,
      ...(body !== undefined ? { body } : {}),
    });
  }

  /** PBX hangs up; the carrier answers the BYE. */
  async bye(): Promise<void> {
    this.pbx.send(this.inDialog('BYE', 2), this.h.access('udp'));
    const bye = await this.carrier.request('BYE', this.callId);
    this.carrier.reply(bye, response(bye, 200, 'OK'));
    await this.pbx.response(200, 'BYE', this.callId);
  }
}
