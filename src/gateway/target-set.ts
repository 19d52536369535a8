import type { SipResponse, SipTarget } from '../sip/index.js';
import type { CallCause } from './call-cause.js';

/** One place to send an INVITE: the Request-URI to write and the transport target. */
export interface ProxyTarget {
  requestUri: string;
  target: SipTarget;
  /** What the call log shows as destination. */
  label: string;
  /** How far the CSeq sent to this target runs ahead of the caller's (see cseq-offset.ts); responses move back. */
  cseqOffset?: number;
  /** Several targets rung at once as one attempt (registered contacts, RFC 3261 §16.7; parallel-fork.ts). */
  fork?: readonly ProxyTarget[];
  /**
   * A Route to put on top: the flow another node holds, for a call handed to it (flow-relay.ts).
   * Such a target's responses keep their Contact: that node points it at the flow.
   */
  route?: string;
  /**
   * The media rules of the carrier this target belongs to: SDES-SRTP or plain RTP, and its codecs
   * (empty: the trunk's). An anchored call's offer follows them (relay-media.ts).
   */
  carrierMedia?: CarrierMedia;
}

export interface CarrierMedia {
  readonly srtp: boolean;
  readonly codecs: readonly string[];
}

/** How one attempt ended without an answer: no response in time, the transport failed, or a non-2xx final. */
export type AttemptOutcome = 'timeout' | 'transport' | 'final';

/** What the caller gets once the set has nothing more to try. */
export type TargetVerdict =
  /** Relay the last final response received (RFC 3261 §16.7 step 6: the best response). */
  | { relay: true; cause: CallCause }
  /** No final worth relaying: the proxy answers for itself. */
  | { relay: false; code: number; reason: string; cause: CallCause };

/**
 * The policy that chooses where an INVITE goes next, apart from the relay that sends it (as
 * Kamailio keeps `t_serial` apart from `t_fwd`). The relay asks `next()` for a target, reports
 * each failed attempt to `failed()` — true means "ask `next()` again" — and, when the set is
 * exhausted or says stop, sends what `verdict()` says.
 */
export interface TargetSet {
  next(): ProxyTarget | undefined;
  /** `response` is the final itself, for sets that read it (Retry-After, a challenge, Contacts). */
  failed(outcome: AttemptOutcome, status: number, response?: SipResponse): boolean;
  verdict(): TargetVerdict;
}
