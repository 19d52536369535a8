import type { MediaDirection, MediaOffer } from './media-offer.js';

/** What RFC 3264 §6.1 answers to each direction an offer asks for. */
const ANSWER_DIRECTION: Record<MediaDirection, MediaDirection> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

/** The payload type the simulator offers telephone-event on (dynamic, RFC 4733 §7.1.1). */
export const OFFER_TELEPHONE_EVENT = 101;

function head(host: string, sessionId: number, version: number): string {
  const ip = host.includes(':') ? 'IP6' : 'IP4';
  return (
    `v=0\r\no=pstn-sim ${sessionId} ${version} IN ${ip} ${host}\r\ns=vsip pstn-sim\r\n` +
    `c=IN ${ip} ${host}\r\nt=0 0\r\n`
  );
}

/**
 * The simulator's SDP answer (RFC 3264 §6): one m-line per offered m-line, the chosen audio stream
 * on our RTP `port` with the one codec we use (and telephone-event when offered, under the offer's
 * payload type), every other stream declined with port 0.
 */
export function sdpAnswer(
  offer: MediaOffer,
  o: { host: string; port: number; sessionId: number; version?: number },
): Buffer {
  let text = head(o.host, o.sessionId, o.version ?? o.sessionId);
  offer.lines.forEach((line, i) => {
    if (i !== offer.chosen) {
      text += `m=${line.media} 0 ${line.proto} ${line.format}\r\n`;
      return;
    }
    const { name, payloadType, telephoneEvent } = offer.codec;
    const te = telephoneEvent === null ? '' : ` ${telephoneEvent}`;
    text += `m=audio ${o.port} RTP/AVP ${payloadType}${te}\r\na=rtpmap:${payloadType} ${name}/8000\r\n`;
    if (telephoneEvent !== null)
      text += `a=rtpmap:${telephoneEvent} telephone-event/8000\r\na=fmtp:${telephoneEvent} 0-16\r\n`;
    text += `a=ptime:20\r\na=${ANSWER_DIRECTION[offer.direction]}\r\n`;
  });
  return Buffer.from(text);
}

/** An offer with PCMU, PCMA and telephone-event on our RTP `port`, for calls the simulator places. */
export function sdpOffer(o: { host: string; port: number; sessionId: number; version?: number }): Buffer {
  const te = OFFER_TELEPHONE_EVENT;
  return Buffer.from(
    `${head(o.host, o.sessionId, o.version ?? o.sessionId)}m=audio ${o.port} RTP/AVP 0 8 ${te}\r\n` +
      `a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:${te} telephone-event/8000\r\n` +
      `a=fmtp:${te} 0-16\r\na=ptime:20\r\na=sendrecv\r\n`,
  );
}
