import type { MediaSide } from '../media/ng-offer-flags.js';
import type { SipRequest } from '../sip/index.js';
import type { CallState } from './call-record.js';
import type { CompiledTrunk } from './config-snapshot.js';
import type { ProxyDeps } from './proxy-deps.js';
import { tagOf } from './sdp-body.js';

/**
 * Gives an admitted call its rtpengine session (not yet opened: the relay's first offer opens it),
 * when the gateway anchors media. `callerSide` is the PBX on termination, the carrier on origination.
 */
export function anchorCall(
  deps: ProxyDeps,
  call: CallState,
  req: SipRequest,
  trunk: CompiledTrunk,
  callerSide: MediaSide,
  pbxSource: string,
): void {
  if (deps.media === null) return;
  call.media = deps.media.call(call.callId, tagOf(req, 'from'), callerSide, {
    pbxSource,
    srtpPbx: trunk.secureTrunking,
    codecs: trunk.codecs,
    // The carrier leg's own rules come with the carrier chosen (relay-media.ts offerThroughMedia).
    srtpCarrier: false,
    carrierCodecs: [],
  });
}
