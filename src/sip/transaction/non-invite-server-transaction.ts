import type { SipRequest, SipResponse } from '../message/types.js';
import type { SipSource, SipTarget } from '../transport/transport.js';
import { ServerTransactionBase, type ServerTransactionEvents } from './server-transaction-base.js';
import { TimerId, type TransactionContext } from './transaction-base.js';

/** A non-INVITE server transaction's events (it has no typed user). */
export interface NonInviteServerTransactionEvents extends ServerTransactionEvents {
  /** The response could not be sent (§17.2.4). */
  transportError: [err: unknown];
}

/**
 * Non-INVITE server transaction, RFC 3261 §17.2.2 (figure 8).
 *
 * States: trying → proceeding → completed → terminated.
 * Events: `timeout`('guard') when the core never answered within 128·T1 (the client gave up at
 * its Timer F, 64·T1, long before; twice that leaves a proxy time to send its own 408 first, and
 * only stops a leak), `transportError`(err), `terminated`.
 */
export class NonInviteServerTransaction extends ServerTransactionBase<NonInviteServerTransactionEvents> {
  readonly method: string;

  constructor(ctx: TransactionContext, key: string, target: SipTarget, request: SipRequest, source: SipSource) {
    super(ctx, key, target, request, source, 'trying');
    this.method = request.method;
    this.arm(TimerId.Guard, 128 * ctx.timers.t1);
  }

  respond(res: SipResponse): boolean {
    if (this.state !== 'trying' && this.state !== 'proceeding') return false;
    this.sendResponse(res);
    if (this.terminated) return true;
    if (res.status < 200) {
      if (this.state === 'trying') this.setState('proceeding');
      return true;
    }
    this.disarmAll();
    this.setState('completed');
    this.releaseRequest(); // Completed only re-sends the kept response
    // Timer J = 64·T1 on UDP, zero on reliable transports (§17.2.2).
    if (this.reliable) this.terminate();
    else {
      this.keepLastResponse();
      this.arm(TimerId.J, 64 * this.ctx.timers.t1);
    }
    return true;
  }

  receiveRetransmission(): void {
    // §17.2.2: Trying absorbs silently; Proceeding and Completed re-send the last response.
    if (this.state === 'trying') this.ctx.counters.retransmissionsReceived++;
    else this.resendLast();
  }

  protected notifyTimeout(timer: string): void {
    this.emit('timeout', timer);
  }

  protected notifyTransportError(err: unknown): void {
    this.emit('transportError', err);
  }

  protected onTimer(id: TimerId): void {
    if (id === TimerId.J) this.terminate();
    else if (id === TimerId.Guard) this.timedOut('guard');
  }
}
