import type { CallRecord } from '../../client/types.js';

interface Leg {
  packets?: number;
  from?: string | null;
  codec?: string | null;
}

const OPEN_RTP =
  'open UDP 10000-20000 toward the gateway for RTP, disable SIP ALG on the router, and behind NAT let the PBX ' +
  'send RTP first (the gateway answers to where it comes from)';

/**
 * What the call's media facts say, in the words of the spec's "Call connects but no audio" tree:
 * which party sent no RTP and what to do about it. Null when the call has no media facts
 * (signalling-only, or refused before media).
 */
export function mediaFinding(call: CallRecord): string | null {
  const media = call.media as { pbx?: Leg; carrier?: Leg } | null | undefined;
  if (media == null || typeof media !== 'object') return null;
  const pbx = media.pbx?.packets ?? 0;
  const carrier = media.carrier?.packets ?? 0;
  const from = (l: Leg | undefined): string => (l?.from ? ` from ${l.from}` : '');
  if (pbx === 0 && carrier === 0)
    return `no RTP from either side: the PBX sent 0 packets and the carrier sent 0 packets; ${OPEN_RTP}`;
  if (pbx === 0) return `the PBX sent 0 packets (the carrier sent ${carrier}${from(media.carrier)}): ${OPEN_RTP}`;
  if (carrier === 0)
    return (
      `the carrier sent 0 packets (the PBX sent ${pbx}${from(media.pbx)}): check the codec the carrier answered ` +
      'and report the Call-ID to the operator'
    );
  const codec = media.pbx?.codec ?? media.carrier?.codec;
  return `RTP both ways: the PBX sent ${pbx} packets${from(media.pbx)}, the carrier ${carrier}${from(media.carrier)}${
    codec ? ` (${codec})` : ''
  }`;
}
