import { getHeader, offeredCodecs, parseNameAddr, parseSdp, parseUri } from '../sip/index.js';
import type { SipRequest, SipUri } from '../sip/index.js';

/** The user part of a name-addr header value (From, To, P-Asserted-Identity), or null. */
export function userOfHeader(value: string | null): string | null {
  if (value === null) return null;
  try {
    return parseUri(parseNameAddr(value).uri).user;
  } catch {
    return null;
  }
}

export function safeParseUri(uri: string): SipUri | null {
  try {
    return parseUri(uri);
  } catch {
    return null;
  }
}

/** Caller ID as RFC 3325 asks a trusted network to read it: P-Asserted-Identity, else From. */
export function callerIdOf(req: SipRequest): string | null {
  const pai = getHeader(req, 'p-asserted-identity');
  if (pai !== null) {
    // PAI may list a sip: and a tel: identity; the first one with a user part wins.
    const user = userOfHeader(pai.split(',')[0] ?? null);
    if (user !== null) return user;
  }
  return userOfHeader(getHeader(req, 'from'));
}

export function maxForwardsOf(req: SipRequest): number | null {
  const v = getHeader(req, 'max-forwards');
  if (v === null) return null;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : null;
}

const SUPPORTED = ['PCMU', 'PCMA', 'G729'];

/**
 * null = no SDP offer in the request (late offer); true when the offer carries PCMU, PCMA or G.729
 * (the spec's supported codecs); false otherwise, including an SDP that does not parse.
 */
export function offerHasSupportedCodec(req: SipRequest): boolean | null {
  if (req.body.length === 0) return null;
  const ct = getHeader(req, 'content-type');
  if (ct !== null && !ct.toLowerCase().startsWith('application/sdp')) return null;
  try {
    const codecs = offeredCodecs(parseSdp(req.body));
    for (const c of SUPPORTED) if (codecs.has(c)) return true;
    return false;
  } catch {
    return false;
  }
}
