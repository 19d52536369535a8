import { offeredCodecs, parseSdp, type SipRequest, type SipSource } from '../sip/index.js';
import type { CompiledTrunk } from './config-snapshot.js';
import type { Refusal } from './refuse.js';
import { sdpBody } from './sdp-body.js';

/** Whether an SDP offers SRTP keyed by SDES: an RTP/SAVP(F) audio stream with an `a=crypto` line (RFC 4568 §9.1). */
export function offersSdesSrtp(sdp: string): boolean {
  try {
    const s = parseSdp(sdp);
    const sessionCrypto = s.attributes.some((a) => a.startsWith('crypto:'));
    return s.media.some(
      (m) =>
        m.media === 'audio' &&
        m.port !== 0 &&
        /^RTP\/SAVPF?$/i.test(m.proto) &&
        (sessionCrypto || m.attributes.some((a) => a.startsWith('crypto:'))),
    );
  } catch {
    return false;
  }
}

/** 488 unless the offer names one of the trunk's codecs (late offer passes: the 2xx will offer). */
function codecRefusal(req: SipRequest, trunk: CompiledTrunk): Refusal | null {
  const sdp = sdpBody(req);
  if (sdp === null) return null;
  let offered: Set<string>;
  try {
    offered = offeredCodecs(parseSdp(sdp));
  } catch {
    return null; // unreadable SDP was refused by the policy already (or is refused by the relay)
  }
  if (trunk.codecs.some((c) => offered.has(c))) return null;
  return {
    code: 488,
    reason: `Not Acceptable Here (offer ${trunk.codecs.join(', ')})`,
    cause: 'codec_not_supported',
    warning: `the trunk allows ${trunk.codecs.join(', ')}; the offer has none of them`,
  };
}

/**
 * Termination: the trunk's media rules, after the policy admitted the call. A secure trunk takes
 * calls over TLS only (403 tls_required) with SDES-SRTP offered on the PBX leg (488
 * srtp_required); every trunk gets 488 when the offer has none of its codecs — all before any
 * media is set up.
 */
export function terminationMediaRefusal(req: SipRequest, source: SipSource, trunk: CompiledTrunk): Refusal | null {
  if (trunk.secureTrunking && source.protocol !== 'tls') {
    return {
      code: 403,
      reason: 'Forbidden (secure trunk: TLS required)',
      cause: 'tls_required',
      warning: 'this trunk has secure_trunking on: send calls over TLS (port 5061, transport=tls)',
    };
  }
  const codecs = codecRefusal(req, trunk);
  if (codecs !== null) return codecs;
  const sdp = sdpBody(req);
  if (trunk.secureTrunking && sdp !== null && !offersSdesSrtp(sdp)) {
    return {
      code: 488,
      reason: 'Not Acceptable Here (secure trunk: SRTP required)',
      cause: 'srtp_required',
      warning: 'this trunk has secure_trunking on: offer RTP/SAVP with a=crypto (SDES, RFC 4568)',
    };
  }
  return null;
}

/**
 * Origination: the carrier's offer must have one of the trunk's codecs; a secure trunk's calls
 * need the media engine, which offers the PBX SRTP (a signalling-only gateway cannot).
 */
export function originationMediaRefusal(req: SipRequest, trunk: CompiledTrunk, anchored: boolean): Refusal | null {
  const codecs = codecRefusal(req, trunk);
  if (codecs !== null) return codecs;
  if (trunk.secureTrunking && !anchored) {
    return {
      code: 503,
      reason: 'Service Unavailable (secure trunk needs the media engine for SRTP)',
      cause: 'media_unavailable',
    };
  }
  return null;
}
