import type { Carrier } from '../carriers/carrier-plan.js';
import { offeredCodecs, parseSdp, type SipRequest } from '../sip/index.js';
import type { CompiledTrunk } from './config-snapshot.js';
import { sdpBody } from './sdp-body.js';

/**
 * Which carriers can take this INVITE's offer: a carrier with codecs of its own must share one
 * with the offer's codecs the trunk allows (the carrier leg is offered only those, RFC 3264 §5.1);
 * a carrier without (the `--carrier` shortcut) takes what the trunk allows. A late offer (no SDP)
 * or one that does not parse fits every carrier: the 2xx will offer, or the relay refuses it.
 */
export function carrierCodecFit(req: SipRequest, trunk: CompiledTrunk): (carrier: Carrier) => boolean {
  const sdp = sdpBody(req);
  let offered: Set<string>;
  try {
    if (sdp === null) return () => true;
    offered = offeredCodecs(parseSdp(sdp));
  } catch {
    return () => true;
  }
  const usable = trunk.codecs.filter((c) => offered.has(c));
  return (carrier) => carrier.codecs.length === 0 || usable.some((c) => carrier.codecs.includes(c));
}
