import { ownString } from '../message/own-string.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import type { SipSource, SipTarget } from '../transport/transport.js';
import { getHeader } from '../message/get-header.js';
import { cseqOf, responseTo } from './message-fields.js';
import { ServerTransactionBase, type ServerTransactionEvents } from './server-transaction-base.js';
import { TimerId, type TransactionContext } from './transaction-base.js';
import { ignoringServerUser, type InviteServerTransactionUser } from './transaction-user.js';

/** An INVITE server transaction's events; a CANCEL and transport errors go to its `user`. */
export interface InviteServerTransactionEvents extends ServerTransactionEvents {
  /** An ACK for our 2xx carrying the INVITE's branch, passed up in Accepted. */
  ack: [ack: SipRequest];
}

/**
 * INVITE server transaction, RFC 3261 §17.2.1 as amended by RFC 6026 §7.1 (Accepted state, Timer L).
 *
 * States: proceeding → accepted | completed → confirmed → terminated.
 * Its `user` hears a matching CANCEL (§9.2; the layer has already answered it 200) and transport
 * errors. Events: `ack`(ack) for an ACK matching this transaction while Accepted (a 2xx ACK sent
 * with the INVITE's branch — passed up, not absorbed), `timeout`('H' | 'L') when no ACK came, `terminated`.
 *
 * UAS 2xx retransmission (§13.3.1.4): set `retransmit2xx = true` before sending a 2xx and, over
 * UDP, the 2xx is re-sent at T1, 2·T1 … T2 until the ACK arrives (matched by Call-ID and CSeq number,
 * since an ACK for 2xx carries a new branch) — then `ack` is emitted; no ACK within 64·T1 emits
 * `timeout`('L') and the core should send BYE. A proxy leaves it false: 2xx retransmission is the UAS's job.
 *
 * 100 Trying: sent `timers.tryingDelay` ms after creation if the core has not sent any response by
 * then (default 200 ms, §17.2.1 "200 ms"); 0 sends it at once. A core that answers inside its
 * request handler therefore costs no extra message.
 */
export class InviteServerTransaction extends ServerTransactionBase<InviteServerTransactionEvents> {
  readonly method = 'INVITE';
  #interval: number;
  /** True once a CANCEL has been matched to this transaction. */
  cancelled = false;
  /** Who hears a CANCEL or a transport error; set by the core that answers this INVITE. */
  user: InviteServerTransactionUser = ignoringServerUser;
  /** Set by a UAS core before its 2xx: retransmit it until the ACK (§13.3.1.4). */
  retransmit2xx = false;
  #awaitingAck = false;
  /** @internal `Call-ID\nCSeq` under which the layer waits for the ACK of our 2xx. */
  ackKey: string | undefined = undefined;

  constructor(ctx: TransactionContext, key: string, target: SipTarget, request: SipRequest, source: SipSource) {
    super(ctx, key, target, request, source, 'proceeding');
    this.#interval = ctx.timers.t1;
  }

  /** Called by the layer after the core's handler returned. */
  startTrying(): void {
    if (this.state !== 'proceeding' || this.lastStatus !== 0) return;
    if (this.ctx.timers.tryingDelay <= 0) this.sendTrying();
    else this.arm(TimerId.Trying, this.ctx.timers.tryingDelay);
  }

  private sendTrying(): void {
    this.sendResponse(responseTo(this.request, 100, 'Trying', undefined));
  }

  respond(res: SipResponse): boolean {
    const state = this.state;
    if (state === 'accepted') {
      // RFC 6026 §7.1: 2xx retransmissions from the TU pass through in Accepted.
      if (res.status < 200 || res.status >= 300) return false;
      this.sendResponse(res);
      return true;
    }
    if (state !== 'proceeding') return false;
    this.disarmRetransmit(); // the 100 Trying timer, if armed
    this.sendResponse(res);
    if (this.terminated || res.status < 200) return true;
    if (res.status < 300) {
      this.setState('accepted');
      this.arm(TimerId.L, 64 * this.ctx.timers.t1);
      if (this.retransmit2xx) {
        const callId = getHeader(this.request, 'call-id');
        const cseq = cseqOf(this.request);
        if (callId !== null && cseq !== null) {
          this.#awaitingAck = true;
          this.ackKey = ownString(`${callId}\n${cseq.seq}`); // stored until the ACK: not a view on the INVITE
          this.ctx.awaitAck(this, this.ackKey);
          if (!this.reliable) this.arm(TimerId.Retransmit2xx, this.#interval);
        }
      }
      // A proxy's 2xx is never re-sent by us (the TU relays each retransmission, RFC 6026 §7.1) and
      // Accepted absorbs INVITE retransmissions: do not hold the serialized 2xx for the 32 s of Timer L.
      if (!this.#awaitingAck) this.lastResponse = undefined;
    } else {
      this.setState('completed');
      this.keepLastResponse();
      if (!this.reliable) this.arm(TimerId.G, this.#interval);
      this.arm(TimerId.H, 64 * this.ctx.timers.t1);
    }
    // Accepted and Completed only re-send what is kept or relay the TU's 2xx retransmissions.
    this.releaseRequest();
    return true;
  }

  receiveRetransmission(): void {
    // §17.2.1: Proceeding and Completed re-send the last response; RFC 6026: Accepted absorbs.
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLast();
    else this.ctx.counters.retransmissionsReceived++;
  }

  /** Returns true when the ACK was absorbed (ACK for a non-2xx), false when the core must see it. */
  receiveAck(ack: SipRequest): boolean {
    if (this.state === 'completed') {
      this.disarmAll();
      this.setState('confirmed');
      if (this.reliable) this.terminate();
      else this.arm(TimerId.I, this.ctx.timers.t4);
      return true;
    }
    if (this.state === 'accepted') {
      this.ackFor2xx(ack);
      return false;
    }
    return true; // confirmed: a retransmitted ACK
  }

  /** @internal an ACK for our 2xx arrived: stop retransmitting it and tell the core. */
  ackFor2xx(ack: SipRequest): void {
    if (this.#awaitingAck) {
      this.#awaitingAck = false;
      this.disarmRetransmit();
    }
    this.emit('ack', ack);
  }

  /** @internal the layer matched a CANCEL to this transaction. */
  cancel(cancelRequest: SipRequest): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.user.cancel(cancelRequest);
  }

  /** Timer H: no ACK for a non-2xx; Timer L: none for a 2xx this transaction retransmits (`retransmit2xx`). */
  protected notifyTimeout(timer: string): void {
    this.emit('timeout', timer);
  }

  protected override notifyTransportError(err: unknown): void {
    this.user.transportError(err);
  }

  protected onTimer(id: TimerId): void {
    switch (id) {
      case TimerId.Trying:
        if (this.state === 'proceeding' && this.lastStatus === 0) this.sendTrying();
        return;
      case TimerId.G:
        if (this.state !== 'completed' || this.lastResponse === undefined) return;
        this.retransmit(this.lastResponse, 'G');
        this.#interval = Math.min(2 * this.#interval, this.ctx.timers.t2);
        this.arm(TimerId.G, this.#interval);
        return;
      case TimerId.Retransmit2xx:
        if (this.state !== 'accepted' || !this.#awaitingAck || this.lastResponse === undefined) return;
        this.retransmit(this.lastResponse, '2xx');
        this.#interval = Math.min(2 * this.#interval, this.ctx.timers.t2);
        this.arm(TimerId.Retransmit2xx, this.#interval);
        return;
      case TimerId.H:
        this.timedOut('H');
        return;
      case TimerId.L:
        if (this.#awaitingAck) this.timedOut('L');
        else this.terminate();
        return;
      case TimerId.I:
        this.terminate();
        return;
    }
  }
}
