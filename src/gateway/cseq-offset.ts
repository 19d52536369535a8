import type { SipHeader, SipMessage } from '../sip/index.js';

/**
 * Our Record-Route toward a carrier names how far its leg's CSeq runs ahead of the caller's
 * (`;cs=N`): answering a carrier's challenge re-sends the INVITE with a higher CSeq (RFC 3261
 * §22.2), so every later request of the caller in that dialog — the ACK, a BYE, a re-INVITE — is
 * shifted up on the way to the carrier and the responses down on the way back. The number rides in
 * the route set both ends echo, so nothing is kept per call.
 */
export const CSEQ_ROUTE_PARAM = 'cs';

/** The offset named by one of our Route values, 0 if none. */
export function cseqOffsetOfRoute(value: string): number {
  const m = /;cs=(\d{1,3})(?=[;>])/.exec(value);
  return m === null ? 0 : Number(m[1]);
}

/** A copy of `msg` with its CSeq number moved by `delta` (header objects shared otherwise). */
export function shiftCSeq<T extends SipMessage>(msg: T, delta: number): T {
  if (delta === 0) return msg;
  const headers: SipHeader[] = msg.headers.map((h) => {
    if (h.name !== 'cseq') return h;
    const m = /^\s*(\d+)(\s+.*)$/.exec(h.value);
    return m === null ? h : { name: h.name, value: `${Math.max(0, Number(m[1]) + delta)}${m[2]}` };
  });
  return { ...msg, headers };
}
