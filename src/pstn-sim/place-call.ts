import {
  formatHost,
  generateBranch,
  getHeader,
  getHeaderValues,
  parseNameAddr,
  randomToken,
  targetOfUriString,
  type SipEndpoint,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';
import type { CallMediaReport, CallMediaTable } from './call-media-table.js';
import { readMediaOffer } from './media-offer.js';
import { RtpSession } from './rtp-session.js';
import { sdpOffer } from './sdp-answer.js';

export interface PlacedCall {
  status: number;
  reason: string;
  /** Final status of each mid-call request asked for with `midCall`, in order. */
  midCall: number[];
  /** Status of the BYE the simulator sent after holding the call (null when not answered). */
  byeStatus: number | null;
  /** What audio the call had both ways (the simulator streams its prompt once answered). */
  media: CallMediaReport | null;
}

/** What placing a call needs from the simulator. */
export interface PlaceCallContext {
  endpoint: SipEndpoint;
  host: string;
  callerId: string;
  media: CallMediaTable;
  nextSdpId(): number;
}

/**
 * Places a call to `number` through `target` (the gateway's carrier side) with an offer on a fresh
 * RTP socket, streams the prompt once answered, holds the call `holdMs`, sends the mid-call requests
 * asked for, then hangs up. Resolves with the final status, the BYE's status and the media report.
 */
export async function placeCall(
  ctx: PlaceCallContext,
  number: string,
  target: SipTarget,
  holdMs = 0,
  midCall: string[] = [],
): Promise<PlacedCall> {
  const { endpoint, host, callerId: caller } = ctx;
  const a = endpoint.addresses().find((x) => x.protocol === target.protocol) ?? endpoint.addresses()[0];
  const h = formatHost(host); // an IPv6 address in brackets in URIs (RFC 3261 §25.1)
  const far = formatHost(target.address);
  const local = `${h}:${a?.port ?? 0}`;
  const callId = `${randomToken()}@pstn-sim`;
  const fromTag = randomToken();
  const session = await RtpSession.open(host);
  const sdpId = ctx.nextSdpId();
  ctx.media.add(callId, session, { number, role: 'placed', sdpId });
  try {
    const ruri =
      `sip:${number}@${far}:${target.port}` + `${target.protocol === 'udp' ? '' : `;transport=${target.protocol}`}`;
    const invite: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: ruri,
      version: 'SIP/2.0',
      headers: [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${caller}@${h}>;tag=${fromTag}` },
        { name: 'to', value: `<sip:${number}@${far}>` },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: '1 INVITE' },
        { name: 'contact', value: `<sip:pstn@${local}>` },
        { name: 'content-type', value: 'application/sdp' },
      ],
      body: sdpOffer({ host, port: session.port, sessionId: sdpId }),
    };
    // Early media (183 with SDP) needs nothing here: the socket counts whatever arrives.
    const final = await new Promise<SipResponse | { status: number; reason: string }>((resolve) => {
      endpoint.sendRequest(invite, target, {
        provisional: () => {},
        final: (res: SipResponse, retransmission: boolean) => {
          if (retransmission) return; // our ACK below is re-sent only once; good enough for a simulator
          resolve(res);
        },
        timeout: () => resolve({ status: 408, reason: 'Request Timeout' }),
        transportError: () => resolve({ status: 503, reason: 'Service Unavailable (transport error)' }),
      });
    });
    if (!('headers' in final) || final.status >= 300) {
      const media = ctx.media.end(callId, 'rejected');
      return { status: final.status, reason: final.reason, byeStatus: null, midCall: [], media };
    }
    const answer = readMediaOffer(final.body, host.includes(':') ? 'IP6' : 'IP4');
    if (answer.ok) session.start(answer.codec, answer.remote);

    // §12.1.2: route set = Record-Route reversed, remote target = Contact, To tag from the 2xx.
    const rr = getHeaderValues(final, 'record-route').reverse();
    const contact = getHeader(final, 'contact');
    const remote = contact !== null ? parseNameAddr(contact).uri : ruri;
    const to = getHeader(final, 'to') ?? '';
    const first = rr[0] !== undefined ? parseNameAddr(rr[0]).uri : remote;
    const hop = targetOfUriString(first) ?? target;
    const inDialog = (method: string, seq: number): SipRequest => {
      const headers: SipHeader[] = [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${caller}@${h}>;tag=${fromTag}` },
        { name: 'to', value: to },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${seq} ${method}` },
      ];
      for (const r of rr) headers.push({ name: 'route', value: r });
      return { kind: 'request', method, uri: remote, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    };
    const ack = inDialog('ACK', 1);
    ack.headers.unshift({ name: 'via', value: `${endpoint.viaSentBy(hop)};branch=${generateBranch()}` });
    await endpoint.sendStateless(ack, hop);
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    const send = (req: SipRequest): Promise<SipResponse | number> =>
      new Promise((resolve) => {
        endpoint.sendRequest(req, hop, {
          provisional: () => {},
          final: (res: SipResponse) => resolve(res),
          timeout: () => resolve(408),
          transportError: () => resolve(503),
        });
      });
    const statusOf = (r: SipResponse | number): number => (typeof r === 'number' ? r : r.status);
    // Mid-call requests (re-INVITE with a new offer, UPDATE, INFO) follow the same route set.
    let seq = 2;
    const mid: number[] = [];
    for (const method of midCall) {
      const req = inDialog(method, seq);
      if (method === 'INVITE' || method === 'UPDATE') {
        const live = ctx.media.get(callId);
        if (live !== undefined) live.sdpVersion++;
        req.headers.push(
          { name: 'contact', value: `<sip:pstn@${local}>` },
          { name: 'content-type', value: 'application/sdp' },
        );
        req.body = sdpOffer({ host, port: session.port, sessionId: sdpId, version: live?.sdpVersion ?? sdpId });
      }
      const res = await send(req);
      mid.push(statusOf(res));
      if (typeof res !== 'number' && res.status < 300 && res.body.length > 0) {
        const a2 = readMediaOffer(res.body, host.includes(':') ? 'IP6' : 'IP4');
        if (a2.ok) session.setRemote(a2.remote);
      }
      if (method === 'INVITE' && statusOf(res) >= 200 && statusOf(res) < 300) {
        const reAck = inDialog('ACK', seq);
        reAck.headers.unshift({ name: 'via', value: `${endpoint.viaSentBy(hop)};branch=${generateBranch()}` });
        await endpoint.sendStateless(reAck, hop);
      }
      seq++;
    }
    const byeStatus = statusOf(await send(inDialog('BYE', seq)));
    const media = ctx.media.end(callId, 'hangup') ?? ctx.media.report(callId);
    return { status: final.status, reason: final.reason, byeStatus, midCall: mid, media };
  } finally {
    ctx.media.end(callId, 'error'); // a throw above must not leave the socket open
  }
}
