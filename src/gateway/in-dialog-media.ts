import type { MediaCall } from '../media/media-call.js';
import { getHeader, type SipRequest, type SipResponse } from '../sip/index.js';
import type { ProxyDeps } from './proxy-deps.js';
import { saneSdp, sdpBody, tagOf, withSdp } from './sdp-body.js';

/** An in-dialog request of an anchored call, and what its SDP was. */
export interface DialogMedia {
  call: MediaCall;
  /** Tags of the request's sender (From) and receiver (To). */
  fromTag: string;
  toTag: string;
  /** The request carried an offer (its response carries the answer); else its 2xx may carry an offer. */
  offered: boolean;
  /** Only INVITE and UPDATE carry offer/answer (RFC 3264, RFC 3311); INFO or MESSAGE bodies pass as they are. */
  negotiates: boolean;
  state: { chain: Promise<void> };
  /** Mark the dialog as waiting for an ACK answer (a re-INVITE without SDP, RFC 3261 §14.1). */
  lateOffer(): void;
}

export function dialogMediaOf(deps: ProxyDeps, req: SipRequest): DialogMedia | null {
  const call = deps.dialogs.get(getHeader(req, 'call-id') ?? '');
  const media = call?.media;
  if (call === undefined || media == null || media.ended) return null;
  return {
    call: media,
    fromTag: tagOf(req, 'from'),
    toTag: tagOf(req, 'to'),
    offered: false,
    negotiates: req.method === 'INVITE' || req.method === 'UPDATE',
    state: { chain: Promise.resolve() },
    lateOffer: () => {
      if (req.method === 'INVITE') call.mediaLateOffer = true;
    },
  };
}

/** A re-INVITE or UPDATE offer goes through the dialog's session before the other party sees it. */
export function mediaRequest(
  m: DialogMedia,
  fwd: SipRequest,
  send: (r: SipRequest) => void,
  refuse: (code: number, reason: string) => void,
): void {
  const sdp = m.negotiates ? sdpBody(fwd) : null;
  if (sdp === null) {
    send(fwd);
    return;
  }
  if (!saneSdp(sdp)) {
    refuse(488, 'Not Acceptable Here (unreadable SDP)');
    return;
  }
  m.offered = true;
  m.call.offer(sdp, m.fromTag, m.toTag).then(
    (out) => send(withSdp(fwd, out)),
    () => refuse(503, 'Service Unavailable (media engine not answering)'),
  );
}

/**
 * A response to it: its SDP is the answer to the request's offer, or (a re-INVITE without SDP) an
 * offer whose answer comes in the ACK. Responses go on in the order they came.
 */
export function mediaResponse(m: DialogMedia, res: SipResponse, deliver: (r: SipResponse) => void): void {
  const sdp = m.negotiates && res.status < 300 ? sdpBody(res) : null;
  let rewritten: Promise<SipResponse>;
  if (sdp === null) rewritten = Promise.resolve(res);
  else if (m.offered) rewritten = m.call.answer(sdp, m.fromTag, m.toTag).then((out) => withSdp(res, out));
  else {
    m.lateOffer();
    rewritten = m.call.offer(sdp, m.toTag, m.fromTag).then((out) => withSdp(res, out));
  }
  // A response rtpengine refused goes on unchanged rather than not at all: the transaction must end.
  m.state.chain = m.state.chain.then(() => rewritten.then(deliver, () => deliver(res)));
}

/** The ACK of a 2xx that carried an offer carries the answer: through the session, then on. */
export function mediaAck(deps: ProxyDeps, ack: SipRequest, send: (r: SipRequest) => void): void {
  const call = deps.dialogs.get(getHeader(ack, 'call-id') ?? '');
  const sdp = sdpBody(ack);
  if (call?.media == null || call.mediaLateOffer !== true || sdp === null) {
    send(ack);
    return;
  }
  call.mediaLateOffer = false;
  // The 2xx's sender (To of the ACK) offered; the ACK's sender (From) answers.
  call.media.answer(sdp, tagOf(ack, 'to'), tagOf(ack, 'from')).then(
    (out) => send(withSdp(ack, out)),
    () => send(ack),
  );
}
