import type { SipResponse } from '../sip/index.js';
import { endUnwantedAnswer } from './end-unwanted-answer.js';
import type { Branch, InviteRelay } from './invite-relay.js';
import type { CarrierMedia, ProxyTarget } from './target-set.js';
import { saneSdp, sdpBody, tagOf, withSdp } from './sdp-body.js';

const MEDIA_DOWN = 'Service Unavailable (media engine not answering)';

/** A target with no carrier rules of its own (a PBX destination): the trunk's codecs, plain RTP. */
const NO_CARRIER_RULES: CarrierMedia = { srtp: false, codecs: [] };

/**
 * An anchored INVITE's SDP must parse before any target is tried: else 488 at once. False when
 * the call was answered so.
 */
export function readableOffer(relay: InviteRelay): boolean {
  const sdp = sdpBody(relay.server.request);
  if (relay.call.media == null || sdp === null || saneSdp(sdp)) return true;
  relay.answer(488, 'Not Acceptable Here (unreadable SDP)', 'codec_not_supported');
  return false;
}

/**
 * The INVITE's offer goes to rtpengine before `target` sees it, so the carrier (or PBX) only ever
 * learns rtpengine's address (RFC 3264 §5 offer). The offer follows the target's carrier: its
 * codecs and SRTP or plain RTP. When failover reaches a carrier with other rules, the same
 * session (call-id, from-tag) is offered again with that carrier's flags — an updated offer
 * (RFC 3264 §8), not a new session: the PBX leg keeps its rtpengine ports, and an earlier
 * carrier's early media, already relayed to the PBX, stays on the same address. An INVITE without
 * SDP is a late offer: the 2xx will carry the offer and the ACK the answer (RFC 3261 §13.2.1).
 * An engine that does not answer fails the call with a 503 before anything rings.
 */
export function offerThroughMedia(relay: InviteRelay, target: ProxyTarget): void {
  const media = relay.call.media;
  if (media == null) {
    relay.send(target);
    return;
  }
  const rules = target.carrierMedia ?? NO_CARRIER_RULES;
  const key = `${rules.srtp}/${rules.codecs.join(',')}`;
  const sdp = sdpBody(relay.server.request);
  if (relay.offerSdp !== null && relay.offeredFor === key) {
    relay.send(target);
    return;
  }
  // Also for a late offer: the carrier's own offer in its 2xx is then answered by its rules.
  media.leg.srtpCarrier = rules.srtp;
  media.leg.carrierCodecs = rules.codecs;
  if (sdp === null) {
    relay.send(target);
    return;
  }
  media.offer(sdp, tagOf(relay.server.request, 'from'), null).then(
    (out) => {
      relay.offerSdp = out;
      relay.offeredFor = key;
      relay.send(target);
    },
    () => {
      if (!relay.done) relay.answer(503, MEDIA_DOWN, 'media_unavailable');
    },
  );
}

/**
 * A response from the live branch on an anchored call: its SDP (the answer, or in a late-offer
 * call the 2xx's offer) goes through rtpengine, then the response goes upstream in the order it
 * came. A 2xx decides the call only once rewritten; meanwhile a CANCEL may have come, and the
 * answered leg is then ended as any unwanted 2xx (RFC 3261 §16.10).
 */
export function relayAnswerSdp(b: Branch, res: SipResponse): void {
  const relay = b.relay;
  const media = relay.call.media;
  const isFinal = res.status >= 200;
  if (isFinal) {
    b.disarm();
    b.answering = true;
  }
  const sdp = sdpBody(res);
  // On origination the PBX answers: a NATed one's RTP comes from the address we sent the INVITE to.
  if (media != null && relay.call.direction === 'origination') media.leg.pbxSource = b.target.target.address;
  let rewritten: Promise<SipResponse>;
  if (media == null || sdp === null) rewritten = Promise.resolve(res);
  else if (!saneSdp(sdp)) rewritten = Promise.reject(new Error('unreadable SDP from downstream'));
  else if (relay.offerSdp === null) {
    relay.call.mediaLateOffer = true;
    rewritten = media.offer(sdp, tagOf(res, 'to'), tagOf(res, 'from')).then((out) => withSdp(res, out));
  } else rewritten = media.answer(sdp, tagOf(res, 'from'), tagOf(res, 'to')).then((out) => withSdp(res, out));
  relay.upstream = relay.upstream.then(() =>
    rewritten.then(
      (r) => (isFinal ? deliverAnswer(b, r, res) : deliverProvisional(b, r)),
      () => (isFinal ? failAnswer(b, res) : undefined), // a provisional rtpengine refused is not relayed
    ),
  );
}

function deliverProvisional(b: Branch, r: SipResponse): void {
  const relay = b.relay;
  if (b.live && !relay.done && !relay.server.cancelled) relay.server.respond(b.up(r));
}

function deliverAnswer(b: Branch, r: SipResponse, original: SipResponse): void {
  b.answering = false;
  const relay = b.relay;
  if (b.live && !relay.done && !relay.server.cancelled) {
    relay.answered(b, r);
    return;
  }
  endUnwantedAnswer(original, relay.out, relay.deps.signer, b.target.target, false);
  if (b.live && !relay.done) {
    relay.branch = null;
    relay.answer(487, 'Request Terminated', 'cancelled');
  }
}

/** rtpengine failed the answer: the answered leg cannot have media, so it is ended and the caller told. */
function failAnswer(b: Branch, original: SipResponse): void {
  b.answering = false;
  const relay = b.relay;
  endUnwantedAnswer(original, relay.out, relay.deps.signer, b.target.target, false);
  if (!relay.done) {
    if (b.live) relay.branch = null;
    if (relay.server.cancelled) relay.answer(487, 'Request Terminated', 'cancelled');
    else relay.answer(503, MEDIA_DOWN, 'media_unavailable');
  }
}
