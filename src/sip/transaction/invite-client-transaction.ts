import type { SipRequest, SipResponse } from '../message/types.js';
import type { SipTarget } from '../transport/transport.js';
import { buildAckForNon2xx } from './build-ack.js';
import { serialize } from './message-fields.js';
import { TimerId, TransactionBase, type TransactionContext } from './transaction-base.js';
import { ignoringClientUser, type ClientTransactionUser } from './transaction-user.js';

/**
 * INVITE client transaction, RFC 3261 §17.1.1 as amended by RFC 6026 §8.4 (Accepted state, Timer M).
 *
 * States: calling → proceeding → accepted | completed → terminated.
 * Reports to its `user` (provisional, final(res, isRetransmission), timeout('B' | 'C'), transportError);
 * emits only `terminated`.
 * Timer C (`timers.timerC`, reset by each provisional) is a backstop so a transaction that rings
 * forever cannot leak; see timer-config.ts.
 * In Accepted, every further 2xx is passed up again to `final` with isRetransmission=true: a proxy
 * forwards each one upstream (§16.7 step 10 as changed by RFC 6026) and a UAC re-sends its ACK.
 * The ACK for a 2xx is not this transaction's job (§13.2.2.4).
 */
export class InviteClientTransaction extends TransactionBase {
  readonly role = 'client' as const;
  readonly method = 'INVITE';
  /**
   * The serialized INVITE, kept only while it may be retransmitted (Timer A, Calling state): released
   * on the first response so the ringing time and the 32 s Accepted wait (Timer M) keep no copy.
   */
  #data: Buffer | null;
  #interval: number;
  #ack: Buffer | undefined;

  /** Who hears this transaction's outcome (RFC 3261 §17.1); swapped to hand the call over. */
  user: ClientTransactionUser;

  constructor(
    ctx: TransactionContext,
    key: string,
    target: SipTarget,
    request: SipRequest,
    data: Buffer,
    user: ClientTransactionUser,
  ) {
    super(ctx, key, target, request, 'calling');
    this.#data = data;
    this.#interval = ctx.timers.t1;
    this.user = user;
  }

  protected notifyTimeout(timer: string): void {
    this.user.timeout(timer);
  }

  protected notifyTransportError(err: unknown): void {
    this.user.transportError(err);
  }

  /** Sends the INVITE (over TCP/TLS, watching its connection until the final) and arms Timers A (UDP) and B. */
  start(): void {
    if (this.#data !== null) this.transmit(this.#data, this.reliable);
    if (this.state === 'terminated') return;
    if (!this.reliable) this.arm(TimerId.A, this.#interval);
    this.arm(TimerId.B, 64 * this.ctx.timers.t1);
  }

  receiveResponse(res: SipResponse): void {
    const state = this.state;
    if (res.status < 200) {
      if (state !== 'calling' && state !== 'proceeding') return;
      // §17.1.1.2: a provisional stops retransmissions; Timer B only bounds the Calling state.
      if (state === 'calling') {
        this.disarmAll();
        this.#data = null;
        this.setState('proceeding');
      }
      this.arm(TimerId.C, this.ctx.timers.timerC); // (re)started by every provisional
      this.user.provisional(res);
      return;
    }
    if (res.status < 300) {
      if (state === 'calling' || state === 'proceeding') {
        this.disarmAll();
        this.unwatch();
        this.#data = null;
        this.setState('accepted');
        this.arm(TimerId.M, 64 * this.ctx.timers.t1);
        this.user.final(res, false);
        this.releaseRequest(); // Accepted passes 2xx retransmissions up; it never builds a request again
      } else if (state === 'accepted') {
        this.user.final(res, true);
      }
      return;
    }
    if (state === 'calling' || state === 'proceeding') {
      this.disarmAll();
      this.unwatch();
      this.#data = null;
      this.setState('completed');
      this.#ack = serialize(buildAckForNon2xx(this.request, res));
      this.transmit(this.#ack);
      this.user.final(res, false);
      if (this.state !== 'completed') return;
      this.releaseRequest(); // Completed re-sends the serialized ACK and passes nothing up
      this.user = ignoringClientUser; // the TU's call state need not live for Timer D or K
      if (this.reliable) this.terminate();
      else this.arm(TimerId.D, this.ctx.timers.timerD);
    } else if (state === 'completed' && this.#ack !== undefined) {
      // §17.1.1.2: a retransmitted final is answered with the same ACK and not passed up.
      this.retransmit(this.#ack, 'ack');
    }
  }

  protected onTimer(id: TimerId): void {
    switch (id) {
      case TimerId.A:
        if (this.state !== 'calling') return;
        if (this.#data !== null) this.retransmit(this.#data, 'A');
        this.#interval *= 2;
        this.arm(TimerId.A, this.#interval);
        return;
      case TimerId.B:
        if (this.state === 'calling') this.timedOut('B');
        return;
      case TimerId.C:
        if (this.state === 'proceeding') this.timedOut('C');
        return;
      case TimerId.D:
      case TimerId.M:
        this.terminate();
        return;
    }
  }
}
