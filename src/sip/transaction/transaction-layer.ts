import { ownString } from '../message/own-string.js';
import type { SipRequest, SipResponse, Via } from '../message/types.js';
import type { SipCounters } from '../sip-counters.js';
import { sipChannels } from '../sip-diagnostics.js';
import type { ConnectionWatcher, SipSource, SipTarget } from '../transport/transport.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { getHeader } from '../message/get-header.js';
import { cseqOf, serialize } from './message-fields.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { nodeTimerHost, resolveTimers, type TimerConfig, type TimerHost } from './timer-config.js';
import type { TransactionContext, TransactionRef } from './transaction-base.js';
import { clientTransactionKey, responseTransactionKey, serverTransactionKey } from './transaction-key.js';
import { ignoringClientUser, type ClientTransactionUser } from './transaction-user.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** What `receiveRequest` decided. */
export type RequestDispatch =
  /** A new server transaction: hand it to the core. */
  | { kind: 'new'; transaction: ServerTransaction }
  /** Retransmission, ACK for a non-2xx, or a CANCEL answered here: nothing for the core. */
  | { kind: 'absorbed' }
  /**
   * An ACK that matched no transaction in a state that absorbs it (ACK for 2xx, §17.2.3): core handles it statelessly.
   */
  | { kind: 'ack'; transaction: InviteServerTransaction | null }
  /** No usable Via/CSeq: no transaction can be formed. */
  | { kind: 'invalid' }
  /** The `screen` callback refused a would-be new transaction: send `result` statelessly, or drop it. */
  | { kind: 'screened'; result: SipResponse | 'drop' };

/**
 * Looks at a request that would start a new server transaction (never ACK, CANCEL or a
 * retransmission), before the transaction exists: 'admit' creates it, a response is sent
 * statelessly instead (RFC 3261 §8.2.6, §16.9), 'drop' ignores the request.
 */
export type RequestScreen = (req: SipRequest, via: Via, source: SipSource) => 'admit' | SipResponse | 'drop';

export interface TransactionLayerOptions {
  timers?: Partial<TimerConfig>;
  timerHost?: TimerHost;
  send(data: Buffer, target: SipTarget, watcher?: ConnectionWatcher): Promise<void> | void;
  counters: SipCounters;
}

/**
 * Matches messages to transactions and owns the transaction tables.
 * @see RFC 3261 §17.1.3 (client matching), §17.2.3 (server matching), §9.2 (CANCEL)
 */
export class TransactionLayer {
  readonly timers: Readonly<TimerConfig>;
  readonly #ctx: TransactionContext;
  readonly #client = new Map<string, ClientTransaction>();
  readonly #server = new Map<string, ServerTransaction>();
  /** UAS INVITE transactions retransmitting a 2xx, by `Call-ID\nCSeq number` (§13.3.1.4). */
  readonly #awaitingAck = new Map<string, InviteServerTransaction>();

  constructor(options: TransactionLayerOptions) {
    this.timers = resolveTimers(options.timers);
    this.#ctx = {
      timers: this.timers,
      timerHost: options.timerHost ?? nodeTimerHost,
      send: options.send,
      counters: options.counters,
      remove: (tx: TransactionRef) => {
        const map: Map<string, TransactionRef> = tx.role === 'client' ? this.#client : this.#server;
        if (map.get(tx.key) === tx) map.delete(tx.key);
        const ackKey = tx instanceof InviteServerTransaction ? tx.ackKey : undefined;
        if (ackKey !== undefined && this.#awaitingAck.get(ackKey) === tx) this.#awaitingAck.delete(ackKey);
      },
      awaitAck: (tx: TransactionRef, key: string) => {
        this.#awaitingAck.set(key, tx as InviteServerTransaction);
      },
    };
  }

  get size(): { client: number; server: number } {
    return { client: this.#client.size, server: this.#server.size };
  }

  /**
   * Starts a client transaction for `req`, whose top Via must already carry `branch`.
   * Not for ACK (an ACK is never a transaction of its own; send it statelessly).
   */
  sendRequest(
    req: SipRequest,
    branch: string,
    target: SipTarget,
    user: ClientTransactionUser = ignoringClientUser,
  ): ClientTransaction {
    const key = ownString(clientTransactionKey(branch, req.method)); // the method may be cut from a received request
    const data = serialize(req);
    const tx =
      req.method === 'INVITE'
        ? new InviteClientTransaction(this.#ctx, key, target, req, data, user)
        : new NonInviteClientTransaction(this.#ctx, key, target, req, data, user);
    this.#client.set(key, tx);
    this.#created(tx);
    tx.start();
    return tx;
  }

  /** Offers a response to the client transactions; false when none matched (a stray for the core). */
  receiveResponse(res: SipResponse, via: Via | null): boolean {
    const key = responseTransactionKey(res, via);
    const tx = key === null ? undefined : this.#client.get(key);
    if (tx === undefined) return false;
    tx.receiveResponse(res);
    return true;
  }

  /** `responseTarget` is where responses go (§18.2.2), computed by the endpoint from Via and source. */
  receiveRequest(
    req: SipRequest,
    via: Via,
    source: SipSource,
    responseTarget: SipTarget,
    screen?: RequestScreen,
  ): RequestDispatch {
    const key = serverTransactionKey(req, via);
    if (key === null) return { kind: 'invalid' };
    const existing = this.#server.get(key);
    if (req.method === 'ACK') {
      if (existing instanceof InviteServerTransaction) {
        return existing.receiveAck(req) ? { kind: 'absorbed' } : { kind: 'ack', transaction: existing };
      }
      const callId = getHeader(req, 'call-id');
      const cseq = cseqOf(req);
      const uas = callId === null || cseq === null ? undefined : this.#awaitingAck.get(`${callId}\n${cseq.seq}`);
      if (uas !== undefined) {
        this.#awaitingAck.delete(`${callId}\n${cseq!.seq}`);
        uas.ackFor2xx(req);
        return { kind: 'ack', transaction: uas };
      }
      return { kind: 'ack', transaction: null };
    }
    if (existing !== undefined) {
      existing.receiveRetransmission();
      return { kind: 'absorbed' };
    }
    if (screen !== undefined && req.method !== 'CANCEL') {
      const verdict = screen(req, via, source);
      if (verdict !== 'admit') return { kind: 'screened', result: verdict };
    }
    // Stored for up to 32 s: a key of its own, not a view on the received message's text.
    const stored = ownString(key);
    const tx =
      req.method === 'INVITE'
        ? new InviteServerTransaction(this.#ctx, stored, responseTarget, req, source)
        : new NonInviteServerTransaction(this.#ctx, stored, responseTarget, req, source);
    this.#server.set(stored, tx);
    this.#created(tx);
    if (req.method === 'CANCEL') {
      this.#cancel(tx, req, via);
      return { kind: 'absorbed' };
    }
    return { kind: 'new', transaction: tx };
  }

  /** The INVITE server transaction a CANCEL (or any request with the same branch) refers to. */
  findInviteServerTransaction(req: SipRequest, via: Via): InviteServerTransaction | null {
    const key = serverTransactionKey(req, via, 'INVITE');
    const tx = key === null ? undefined : this.#server.get(key);
    return tx instanceof InviteServerTransaction ? tx : null;
  }

  /**
   * §9.2: a CANCEL matching an INVITE server transaction is answered 200 at once and the INVITE
   * transaction tells its user (`cancel`) so the core can answer 487 (UAS) or cancel its branches (proxy);
   * no match is 481. A CANCEL after the final response changes nothing but still gets its 200.
   */
  #cancel(cancelTx: ServerTransaction, req: SipRequest, via: Via): void {
    const invite = this.findInviteServerTransaction(req, via);
    if (invite === null) {
      cancelTx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    cancelTx.reply(200, 'OK');
    if (invite.state === 'proceeding') invite.cancel(req);
  }

  #created(tx: ClientTransaction | ServerTransaction): void {
    this.#ctx.counters.transactionsCreated[tx.role]++;
    if (sipChannels.transactionCreated.hasSubscribers) sipChannels.transactionCreated.publish({ transaction: tx });
  }

  /** Ends every transaction (on close); no timers stay armed. */
  clear(): void {
    for (const tx of [...this.#client.values(), ...this.#server.values()]) tx.terminate();
  }
}
