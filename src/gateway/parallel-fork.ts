import type { ClientTransactionUser, InviteClientTransaction, SipRequest, SipResponse } from '../sip/index.js';
import { contactOnFlow } from './contact-on-flow.js';
import { endUnwantedAnswer } from './end-unwanted-answer.js';
import type { SipPort } from './sip-port.js';
import type { RouteSigner } from './sip-routing.js';
import type { ProxyTarget } from './target-set.js';

/** One leg: a target and the copy of the INVITE for it. */
export interface ForkLeg {
  target: ProxyTarget;
  request: SipRequest;
}

/**
 * Several registered contacts rung at once (RFC 3261 §16.6 step 11 "in parallel", §16.7), seen by
 * the relay as one attempt: it owns the legs' client transactions and reports to `user` as one
 * transaction would — provisionals as they come, the first 2xx (the others are CANCELled, §16.7
 * step 10; a later 2xx is ACKed and hung up, we are its UAC), or once every leg has ended, the best
 * final (§16.7 step 6: the lowest class, 6xx at once). Every response has its Contact put on the
 * leg's flow (`contactOnFlow`). The relay hands the answered call over by swapping `user`.
 */
export class ParallelFork {
  user: ClientTransactionUser;
  readonly legs: Leg[] = [];
  winner: Leg | null = null;
  /** The fork told `user` its final (or a timeout/transport error). */
  settled = false;
  cancelled = false;
  best: SipResponse | null = null;

  constructor(
    readonly out: SipPort,
    readonly signer: RouteSigner,
    user: ClientTransactionUser,
  ) {
    this.user = user;
  }

  /** Starts every leg; throws when none could be sent (the relay counts that as a transport error). */
  start(legs: readonly ForkLeg[]): void {
    for (const l of legs) {
      const leg = new Leg(this, l.target);
      try {
        leg.tx = this.out.sendRequest(l.request, l.target.target, leg) as InviteClientTransaction;
        this.legs.push(leg);
      } catch {
        /* an unreachable leg is one fewer to ring */
      }
    }
    if (this.legs.length === 0) throw new Error('no registered contact could be sent the INVITE');
  }

  /** CANCEL every leg still ringing (the caller hung up, the ring timed out, or another leg answered). */
  cancel(except: Leg | null = null): void {
    if (except === null) this.cancelled = true;
    for (const l of this.legs) if (l !== except && !l.ended) l.cancel();
  }

  /** A leg ended without an answer: once all have, the fork's outcome goes to `user`. */
  legEnded(how: 'final' | 'timeout' | 'transport'): void {
    if (this.settled || this.winner !== null) return;
    if (how === 'final' && this.best !== null && this.best.status >= 600) this.cancel(null);
    else if (this.legs.some((l) => !l.ended)) return;
    this.settled = true;
    if (this.best !== null) this.user.final(this.best, false);
    else if (how === 'transport' && this.legs.every((l) => l.failedTransport)) this.user.transportError(new Error());
    else this.user.timeout('B');
  }
}

class Leg implements ClientTransactionUser {
  tx!: InviteClientTransaction;
  ended = false;
  failedTransport = false;
  #heard = false;
  #cancelPending = false;
  #cancelSent = false;

  constructor(
    readonly fork: ParallelFork,
    readonly target: ProxyTarget,
  ) {}

  cancel(): void {
    if (this.#heard) this.#sendCancel();
    else this.#cancelPending = true; // §9.1: not before a provisional
  }

  #sendCancel(): void {
    if (this.#cancelSent) return;
    this.#cancelSent = true;
    try {
      this.fork.out.cancel(this.tx);
    } catch {
      /* the INVITE transaction times out on its own */
    }
  }

  /** The response's Contact on the leg's flow, unless another node relays it (that node does it). */
  #onFlow(res: SipResponse): SipResponse {
    return this.target.route === undefined ? contactOnFlow(res, this.target.target) : res;
  }

  provisional(res: SipResponse): void {
    this.#heard = true;
    if (this.#cancelPending) return this.#sendCancel();
    const f = this.fork;
    if (f.settled || f.winner !== null || f.cancelled) return;
    f.user.provisional(this.#onFlow(res));
  }

  final(res: SipResponse, retransmission: boolean): void {
    const f = this.fork;
    const fixed = this.#onFlow(res);
    if (res.status >= 200 && res.status < 300) {
      if (f.winner === this) return f.user.final(fixed, retransmission); // for the relay's answered call
      if (f.winner === null && !f.settled) {
        this.ended = true;
        f.winner = this;
        f.cancel(this);
        return f.user.final(fixed, retransmission);
      }
      // A second answer nobody wants: we are its UAC now (§16.7 step 10, §16.10).
      this.ended = true;
      endUnwantedAnswer(fixed, f.out, f.signer, this.target.target, retransmission);
      return;
    }
    if (this.ended) return;
    this.ended = true;
    if (f.best === null || rank(res.status) < rank(f.best.status)) f.best = res;
    f.legEnded('final');
  }

  timeout(): void {
    if (this.ended) return;
    this.ended = true;
    this.fork.legEnded('timeout');
  }

  transportError(): void {
    if (this.ended) return;
    this.ended = true;
    this.failedTransport = true;
    this.fork.legEnded('transport');
  }
}

/** §16.7 step 6: 6xx first (it ends the search), then the lowest class; within one, the first seen. */
function rank(status: number): number {
  return status >= 600 ? 0 : Math.floor(status / 100);
}
