import { getHeader, nameAddrTag, parseSdp, type SipRequest, type SipResponse } from '../sip/index.js';

/** The SDP body of a message (RFC 3261 §13.2.1: Content-Type application/sdp, or none given), or null. */
export function sdpBody(msg: SipRequest | SipResponse): string | null {
  if (msg.body.length === 0) return null;
  const ct = getHeader(msg, 'content-type');
  if (ct !== null && !ct.toLowerCase().startsWith('application/sdp')) return null;
  return msg.body.toString('utf8');
}

/** A copy of `msg` carrying `sdp` (the serializer writes the new Content-Length). */
export function withSdp<T extends SipRequest | SipResponse>(msg: T, sdp: string): T {
  return { ...msg, body: Buffer.from(sdp, 'utf8') };
}

/** The tag of the From or To header (RFC 3261 §19.3), '' when absent. */
export function tagOf(msg: SipRequest | SipResponse, header: 'from' | 'to'): string {
  const v = getHeader(msg, header);
  return v === null ? '' : (nameAddrTag(v) ?? '');
}

/** Whether an SDP parses within our limits (not garbage, no bomb of m-lines or candidates) before rtpengine sees it. */
export function saneSdp(sdp: string): boolean {
  try {
    return parseSdp(sdp).media.length > 0;
  } catch {
    return false;
  }
}
