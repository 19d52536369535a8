import { causeForStatus } from './call-cause.js';
import type { AttemptOutcome, ProxyTarget, TargetSet, TargetVerdict } from './target-set.js';

/**
 * Origination to a trunk whose PBX registered: its live bindings first, rung at once as one
 * attempt (a `fork` target, RFC 3261 §16.7), then — when none answered, timed out, failed to be
 * reached, or answered 408, 480 or 5xx — the destination URIs in their own order (`rest`). Any
 * other final from the contacts (486 busy, 603 declined, …) is the PBX's answer and is relayed.
 */
export class RegisteredSet implements TargetSet {
  #forkGiven = false;
  #inFork = false;
  #restGave = false;
  #stop = 0;
  #forkStatus = 0;

  constructor(
    private readonly contacts: readonly ProxyTarget[],
    private readonly rest: TargetSet | null,
  ) {}

  next(): ProxyTarget | undefined {
    if (this.#stop !== 0) return undefined;
    if (!this.#forkGiven) {
      this.#forkGiven = true;
      const first = this.contacts[0];
      if (first !== undefined) {
        this.#inFork = true;
        const label = this.contacts.length === 1 ? first.label : `${this.contacts.length} registered contacts`;
        return { ...first, label, fork: this.contacts };
      }
    }
    this.#inFork = false;
    const t = this.rest?.next();
    if (t !== undefined) this.#restGave = true;
    return t;
  }

  failed(outcome: AttemptOutcome, status: number): boolean {
    if (!this.#inFork) return this.rest?.failed(outcome, status) ?? false;
    if (outcome === 'final') {
      this.#forkStatus = status;
      if (!(status >= 500 || status === 408 || status === 480)) {
        this.#stop = status;
        return false;
      }
    }
    return this.rest !== null;
  }

  verdict(): TargetVerdict {
    if (this.#stop !== 0) return { relay: true, cause: causeForStatus(this.#stop) };
    if (this.rest !== null && this.#restGave) return this.rest.verdict();
    if (this.#forkStatus !== 0) return { relay: true, cause: causeForStatus(this.#forkStatus) };
    return {
      relay: false,
      code: 480,
      reason: 'Temporarily Unavailable (no registered contact answered)',
      cause: 'no_answer',
    };
  }
}
