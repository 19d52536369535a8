import type { SipRequest, SipResponse } from '../message/types.js';
import type { SipTarget } from '../transport/transport.js';
import { TimerId, TransactionBase, type TransactionContext } from './transaction-base.js';
import { ignoringClientUser, type ClientTransactionUser } from './transaction-user.js';

/**
 * Non-INVITE client transaction, RFC 3261 §17.1.2 (figure 6).
 *
 * States: trying → proceeding → completed → terminated.
 * Reports to its `user` (provisional, final(res, false), timeout('F'), transportError); emits only `terminated`.
 */
export class NonInviteClientTransaction extends TransactionBase {
  readonly role = 'client' as const;
  readonly method: string;
  /**
   * The serialized request, kept only while it may be retransmitted (Timer E): released on the final
   * response so the T4 wait of Timer K keeps no copy.
   */
  #data: Buffer | null;
  #interval: number;

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
    super(ctx, key, target, request, 'trying');
    this.method = request.method;
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

  /** Sends the request (over TCP/TLS, watching its connection until the final) and arms Timers E (UDP) and F. */
  start(): void {
    if (this.#data !== null) this.transmit(this.#data, this.reliable);
    if (this.state === 'terminated') return;
    if (!this.reliable) this.arm(TimerId.E, this.#interval);
    this.arm(TimerId.F, 64 * this.ctx.timers.t1);
  }

  receiveResponse(res: SipResponse): void {
    const state = this.state;
    if (state !== 'trying' && state !== 'proceeding') return; // completed absorbs retransmissions
    if (res.status < 200) {
      if (state === 'trying') this.setState('proceeding');
      this.user.provisional(res);
      return;
    }
    this.disarmAll();
    this.unwatch();
    this.#data = null;
    this.setState('completed');
    this.user.final(res, false);
    if (this.state !== 'completed') return;
    // Completed absorbs retransmitted finals (Timer K): the request and the TU's listeners can go.
    this.releaseRequest();
    this.user = ignoringClientUser; // the TU's call state need not live for Timer D or K
    // Timer K = T4 on UDP, zero on reliable transports (§17.1.2.2).
    if (this.reliable) this.terminate();
    else this.arm(TimerId.K, this.ctx.timers.t4);
  }

  protected onTimer(id: TimerId): void {
    switch (id) {
      case TimerId.E:
        if (this.state !== 'trying' && this.state !== 'proceeding') return;
        if (this.#data !== null) this.retransmit(this.#data, 'E');
        // §17.1.2.2: doubling up to T2 in Trying; T2 flat in Proceeding.
        this.#interval =
          this.state === 'trying' ? Math.min(2 * this.#interval, this.ctx.timers.t2) : this.ctx.timers.t2;
        this.arm(TimerId.E, this.#interval);
        return;
      case TimerId.F:
        this.timedOut('F');
        return;
      case TimerId.K:
        this.terminate();
        return;
    }
  }
}
