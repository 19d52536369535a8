import { offeredCodecs, parseSdp } from '../sip/index.js';

const CODECS: Array<[string, number]> = [
  ['PCMU', 0],
  ['PCMA', 8],
  ['G729', 18],
];

/**
 * The simulator's SDP answer (RFC 3264 §6): the first of PCMU, PCMA, G.729 the offer carries, on a
 * dummy RTP port (the simulator sends no media). Null when the offer has none of them (→ 488).
 */
export function sdpAnswer(offer: Buffer, host: string, sessionId: number): Buffer | null {
  let codecs: Set<string>;
  try {
    codecs = offeredCodecs(parseSdp(offer));
  } catch {
    return null;
  }
  const pick = CODECS.find(([name]) => codecs.has(name));
  if (pick === undefined) return null;
  return sdpBody(host, sessionId, pick);
}

/** An offer with PCMU and PCMA, for calls the simulator places. */
export function sdpOffer(host: string, sessionId: number): Buffer {
  return Buffer.from(
    `v=0\r\no=pstn-sim ${sessionId} ${sessionId} IN IP4 ${host}\r\ns=vsip pstn-sim\r\nc=IN IP4 ${host}\r\nt=0 ` +
      `0\r\nm=audio 40000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n`,
  );
}

function sdpBody(host: string, sessionId: number, [name, pt]: [string, number]): Buffer {
  return Buffer.from(
    `v=0\r\no=pstn-sim ${sessionId} ${sessionId} IN IP4 ${host}\r\ns=vsip pstn-sim\r\nc=IN IP4 ${host}\r\nt=0 ` +
      `0\r\nm=audio 40002 RTP/AVP ${pt}\r\na=rtpmap:${pt} ${name}/8000\r\na=sendrecv\r\n`,
  );
}
