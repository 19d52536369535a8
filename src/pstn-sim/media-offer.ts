import { isIP } from 'node:net';
import { parseSdp, STATIC_PAYLOAD_TYPES, type SdpSession } from '../sip/index.js';
import type { MediaCodec, MediaTarget } from './rtp-session.js';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** An acceptable offer (or answer): the codec we use, where to send, and its m-lines to mirror. */
export interface MediaOffer {
  ok: true;
  codec: MediaCodec;
  remote: MediaTarget | null;
  /** The direction the peer asked for (RFC 3264 §6.1). */
  direction: MediaDirection;
  /** Every m-line as offered (an answer has as many, RFC 3264 §6), and which one we take. */
  lines: Array<{ media: string; proto: string; format: string }>;
  chosen: number;
}

/** Why an offer is refused: the status, and a Warning (RFC 3261 §20.43) that says why. */
export interface OfferProblem {
  ok: false;
  status: 400 | 488;
  reason: string;
  warning: string;
}

/** An SDP this large is no telephone call's: refuse it before parsing (the SDP-bomb case). */
export const MAX_SDP_BYTES = 8192;
const MAX_MEDIA_LINES = 8;
const CODECS: ReadonlyArray<[string, number]> = [
  ['PCMU', 0],
  ['PCMA', 8],
  ['G729', 18],
];
const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function problem(status: 400 | 488, code: number, text: string): OfferProblem {
  return {
    ok: false,
    status,
    reason: status === 400 ? 'Bad Request' : 'Not Acceptable Here',
    warning: `${code} pstn-sim "${text}"`,
  };
}

/**
 * Reads an SDP offer (or answer) the way the simulator uses it: the first audio m-line with a port
 * (RFC 3264 §5.1: port 0 is a declined stream), its codec (the first of PCMU, PCMA, G.729 it
 * carries, payload types named by rtpmap or RFC 3551), telephone-event if offered (RFC 4733 §7.1.1),
 * and its c= address. Anything the simulator cannot take is a problem with a 4xx and a Warning:
 * unparseable or oversized SDP → 400; no audio, RTP/SAVP, no common codec, an address of another
 * family or a hostname, a port below 1024 → 488 (RFC 3261 §21.4.26).
 */
export function readMediaOffer(body: Buffer, family: 'IP4' | 'IP6' = 'IP4'): MediaOffer | OfferProblem {
  if (body.length > MAX_SDP_BYTES) return problem(400, 399, `SDP larger than ${MAX_SDP_BYTES} bytes`);
  let sdp: SdpSession;
  try {
    sdp = parseSdp(body);
  } catch (err) {
    return problem(400, 399, err instanceof Error ? err.message.replaceAll('"', "'") : 'Malformed SDP');
  }
  if (sdp.media.length > MAX_MEDIA_LINES) return problem(488, 399, `more than ${MAX_MEDIA_LINES} m-lines`);
  const chosen = sdp.media.findIndex((m) => m.media === 'audio' && m.port !== 0);
  const m = sdp.media[chosen];
  if (m === undefined) return problem(488, 304, 'Media type not available: no audio stream');
  if (m.proto !== 'RTP/AVP') return problem(488, 302, `Incompatible transport protocol: ${m.proto}, not RTP/AVP`);
  if (m.port < 1024) return problem(488, 399, `RTP port ${m.port} is not usable`);
  const name = (pt: string): string | undefined =>
    (m.rtpmap.get(pt)?.encoding ?? STATIC_PAYLOAD_TYPES[pt])?.toUpperCase();
  const pick = CODECS.find(([codec]) => m.formats.some((pt) => name(pt) === codec));
  if (pick === undefined) return problem(488, 305, 'Incompatible media format: none of PCMU, PCMA, G729');
  const pt = m.formats.find((f) => name(f) === pick[0]) as string;
  const te = m.formats.find((f) => name(f) === 'TELEPHONE-EVENT' && m.rtpmap.get(f)?.clockRate === 8000);
  const c = m.connection ?? sdp.connection;
  if (c === null) return problem(400, 399, 'no c= line for the audio stream');
  const ipFamily = isIP(c.address);
  if (c.netType !== 'IN' || c.addrType !== family || ipFamily !== (family === 'IP4' ? 4 : 6))
    return problem(488, 301, `Incompatible network address format: ${c.addrType} ${c.address}`);
  const direction =
    DIRECTIONS.find((d) => m.attributes.includes(d)) ??
    DIRECTIONS.find((d) => sdp.attributes.includes(d)) ??
    'sendrecv';
  return {
    ok: true,
    codec: { name: pick[0], payloadType: Number(pt), telephoneEvent: te === undefined ? null : Number(te) },
    remote: { address: c.address, port: m.port },
    direction,
    lines: sdp.media.map((x) => ({ media: x.media, proto: x.proto, format: x.formats[0] ?? '0' })),
    chosen,
  };
}
