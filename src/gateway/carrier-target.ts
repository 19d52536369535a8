import { causeForStatus } from './call-cause.js';
import type { AttemptOutcome, ProxyTarget, TargetSet, TargetVerdict } from './target-set.js';

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
    if (this.#last === 'timeout')
      return { relay: false, code: 504, reason: 'Server Time-out (carrier did not answer)', cause: 'timeout' };
    return { relay: false, code: 503, reason: 'Service Unavailable (carrier unreachable)', cause: 'carrier_error' };
  }
}
