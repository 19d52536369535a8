import { causeForStatus } from './call-cause.js';
import type { AttemptOutcome, ProxyTarget, TargetSet, TargetVerdict } from './target-set.js';

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
    return {
      relay: false,
      code: 503,
      reason: 'Service Unavailable (no destination URI answered)',
      cause: 'destination_failed',
    };
  }
}
