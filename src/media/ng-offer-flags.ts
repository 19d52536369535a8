import { isIP } from 'node:net';
import type { BValue } from './bencode.js';
import { isPrivateAddress } from './private-address.js';

/** Which party of the call an SDP comes from or goes to. */
export type MediaSide = 'pbx' | 'carrier';

export interface LegPolicy {
  /** The PBX's signalling source address: where its RTP really comes from when its SDP names a private one. */
  pbxSource: string;
  /** SDES-SRTP on the PBX leg (a secure trunk). */
  srtpPbx: boolean;
  /** Encoding names the trunk allows (upper-case); telephone-event is always kept. */
  codecs: readonly string[];
  /** SDES-SRTP on the carrier leg: the carrier tried (or answering) is configured for SRTP. */
  srtpCarrier: boolean;
  /** That carrier's codecs (empty: no limit of its own); the carrier leg is offered these ∩ `codecs`. */
  carrierCodecs: readonly string[];
}

type NgFields = { [key: string]: BValue };

/** The first `c=` address of an SDP (media level wins over session level, as for the first audio stream). */
function connectionAddress(sdp: string): string | null {
  const at = sdp.search(/^m=/m);
  const re = /^c=IN IP[46] ([^\s/]+)/m;
  const media = at >= 0 ? re.exec(sdp.slice(at)) : null;
  return (media ?? re.exec(at >= 0 ? sdp.slice(0, at) : sdp))?.[1] ?? null;
}

/**
 * How rtpengine reads an SDP that comes from `side`. A carrier's SDP is trusted as written. A PBX
 * that writes a private address is behind NAT: its media address is taken from where its
 * signalling came from (`received-from`), and rtpengine's learning of the real source port
 * (symmetric RTP, its default; RFC 4961) fixes the rest once the first packet arrives. A PBX
 * with a public address in its SDP is trusted too (its media server may be another host).
 */
export function incomingFlags(side: MediaSide, sdp: string, leg: LegPolicy): NgFields {
  if (side === 'pbx') {
    const address = connectionAddress(sdp);
    if (address !== null && isPrivateAddress(address)) {
      const family = isIP(leg.pbxSource) === 6 ? 'IP6' : 'IP4';
      return { 'received-from': [family, leg.pbxSource.replace(/^::ffff:/, '')], flags: ['symmetric'] };
    }
  }
  return { flags: ['trust-address', 'symmetric'] };
}

/**
 * How the SDP rtpengine writes toward `side` must look: only rtpengine's address (origin and
 * connection replaced), no ICE candidates toward the carrier (they would name the PBX's own
 * addresses), and in an offer: RTP/SAVP with SDES keys (RFC 4568) toward a party that gets SRTP
 * (the PBX of a secure trunk, a carrier configured for it), plain RTP/AVP toward the others, and
 * only the codecs that leg allows plus telephone-event (RFC 4733). An answer toward a plain party
 * keeps the protocol of the offer it answers (RFC 3264 §6): a carrier calling in with SRTP gets
 * SRTP back.
 */
export function outgoingFlags(side: MediaSide, leg: LegPolicy, isOffer: boolean): NgFields {
  const out: NgFields = { replace: ['origin', 'session-connection'] };
  const srtp = side === 'carrier' ? leg.srtpCarrier : leg.srtpPbx;
  if (side === 'carrier') out.ICE = 'remove';
  if (srtp) {
    out['transport-protocol'] = 'RTP/SAVP';
    // SDES only: no DTLS fingerprint on an RTP/SAVP line, and no NULL cipher a peer could pick (RFC 4568 §6.2).
    out.DTLS = 'off';
    out.SDES = ['no-NULL_HMAC_SHA1_80', 'no-NULL_HMAC_SHA1_32'];
  } else if (isOffer) {
    out['transport-protocol'] = 'RTP/AVP';
  }
  if (isOffer) out.codec = { strip: ['all'], except: [...offerCodecs(side, leg), 'telephone-event'] };
  return out;
}

/** The codecs an offer toward `side` may carry: the trunk's, and toward the carrier only those it takes too. */
function offerCodecs(side: MediaSide, leg: LegPolicy): readonly string[] {
  if (side === 'pbx' || leg.carrierCodecs.length === 0) return leg.codecs;
  return leg.codecs.filter((c) => leg.carrierCodecs.includes(c));
}

/**
 * Incoming and outgoing flags written into the command `into`, their `flags` lists merged.
 * Assigned key by key: spreading the three dictionaries cost more than the rest of building a command.
 */
export function addFlags(into: NgFields, incoming: NgFields, outgoing: NgFields): NgFields {
  for (const k of Object.keys(incoming)) into[k] = incoming[k] as BValue;
  for (const k of Object.keys(outgoing)) into[k] = outgoing[k] as BValue;
  const fa = incoming.flags;
  const fb = outgoing.flags;
  if (Array.isArray(fa) && Array.isArray(fb)) into.flags = fa.concat(fb);
  return into;
}
