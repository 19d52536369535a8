import type { SipTarget } from '../sip/transport/transport.js';
import { causeForStatus, type CallCause } from './call-cause.js';

/** One place to send an INVITE: the Request-URI to write and the transport target. */
export interface ProxyTarget {
  requestUri: string;
  target: SipTarget;
  /** What the call log shows as destination. */
  label: string;
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
  failed(outcome: AttemptOutcome, status: number): boolean;
  verdict(): TargetVerdict;
}

/**
 * Termination: the one carrier target, no failover. A final is relayed; silence is 504, an
 * unreachable carrier 503.
 */
export class CarrierTarget implements TargetSet {
  #sent = false;
  #last: AttemptOutcome = 'transport';
  #status = 0;

  constructor(private readonly target: ProxyTarget) {}

  next(): ProxyTarget | undefined {
    if (this.#sent) return undefined;
    this.#sent = true;
    return this.target;
  }

  failed(outcome: AttemptOutcome, status: number): boolean {
    this.#last = outcome;
    this.#status = status;
    return false;
  }

  verdict(): TargetVerdict {
    if (this.#last === 'final') return { relay: true, cause: causeForStatus(this.#status) };
    if (this.#last === 'timeout') return { relay: false, code: 504, reason: 'Server Time-out (carrier did not answer)', cause: 'timeout' };
    return { relay: false, code: 503, reason: 'Service Unavailable (carrier unreachable)', cause: 'carrier_error' };
  }
}

/**
 * Origination: a trunk's destination URIs in the order to try (priority, then weight), serial
 * forking (RFC 3261 §16.6 step 11 "in sequence"). The next URI is tried after a timeout, a
 * transport error (§16.9), a 408 or a 5xx; any other final — 3xx, 4xx and, per §16.7 step 5,
 * a 6xx ("no other location will answer") — ends the search and is relayed.
 */
export class DestinationSet implements TargetSet {
  #index = 0;
  /** A final that ended the search (not a failover status), 0 if none. */
  #stop = 0;
  #sawFinal = false;

  constructor(private readonly targets: readonly ProxyTarget[]) {}

  next(): ProxyTarget | undefined {
    return this.#stop !== 0 ? undefined : this.targets[this.#index++];
  }

  failed(outcome: AttemptOutcome, status: number): boolean {
    if (outcome !== 'final') return true;
    const more = this.#index < this.targets.length;
    if ((status >= 500 && status < 600) || (status === 408 && more)) {
      this.#sawFinal = true;
      return more;
    }
    this.#stop = status;
    return false;
  }

  verdict(): TargetVerdict {
    if (this.#stop !== 0) return { relay: true, cause: causeForStatus(this.#stop) };
    if (this.#sawFinal) return { relay: true, cause: 'destination_failed' };
    return { relay: false, code: 503, reason: 'Service Unavailable (no destination URI answered)', cause: 'destination_failed' };
  }
}
