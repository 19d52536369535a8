import { EventEmitter } from 'node:events';
import type { SipRequest } from '../message/types.js';
import type { SipCounters } from '../sip-counters.js';
import { sipChannels } from '../sip-diagnostics.js';
import { isReliable, type ConnectionWatcher, type SipTarget } from '../transport/transport.js';
import type { TimerConfig, TimerHost } from './timer-config.js';

/** What the transaction layer lends every transaction. */
export interface TransactionContext {
  timers: Readonly<TimerConfig>;
  timerHost: TimerHost;
  send(data: Buffer, target: SipTarget, watcher?: ConnectionWatcher): Promise<void> | void;
  counters: SipCounters;
  /** Drops the transaction from the layer's tables. */
  remove(tx: TransactionRef): void;
  /** Registers an INVITE server transaction whose 2xx is retransmitted until the ACK (matched by Call-ID + CSeq). */
  awaitAck(tx: TransactionRef, key: string): void;
}

/** What the layer's tables need of a transaction, whichever events it declares. */
export interface TransactionRef {
  readonly role: 'client' | 'server';
  readonly key: string;
}

/**
 * The events every transaction emits (`EventEmitter<…>`): only `terminated`. What happened to a
 * request is told to the transaction's typed user (RFC 3261 §17.1, `transaction-user.ts`), never as
 * an event, so listening for anything else — `tx.on('final', …)` — does not compile.
 */
export interface TransactionEvents {
  terminated: [];
}

/** Timer ids; the first group runs in the retransmit slot, the second in the lifetime slot. */
export const TimerId = {
  A: 1,
  E: 2,
  G: 3,
  Trying: 4,
  Retransmit2xx: 5,
  B: 10,
  D: 11,
  F: 12,
  H: 13,
  I: 14,
  J: 15,
  K: 16,
  L: 17,
  M: 18,
  Guard: 19,
  C: 20,
} as const;
export type TimerId = (typeof TimerId)[keyof typeof TimerId];

/** The single timer callback shared by every transaction: no closure per armed timer. */
function fire(tx: unknown, id: number): void {
  (tx as TransactionBase).fireTimer(id);
}

/**
 * State, two timer slots and transport-error handling shared by the four state machines.
 * A transaction never holds more than one retransmit timer and one lifetime timer at a time
 * (RFC 3261 §17 figures 5–8), so two handle fields are enough.
 */
export abstract class TransactionBase<
  E extends Record<keyof E, unknown[]> & TransactionEvents = TransactionEvents,
> extends EventEmitter<E> {
  abstract readonly role: 'client' | 'server';
  abstract readonly method: string;
  state: string;
  readonly key: string;
  readonly target: SipTarget;
  /** Reliable transports (TCP/TLS) get no retransmissions and zero-length wait timers (§17.1.1.2). */
  readonly reliable: boolean;
  protected readonly ctx: TransactionContext;
  #request: SipRequest | null;
  #retransmitTimer: unknown = undefined;
  #lifeTimer: unknown = undefined;
  /** The watchers of the TCP/TLS connection a client request waits on (see `transmit`). */
  watching: Set<ConnectionWatcher> | undefined = undefined;

  constructor(ctx: TransactionContext, key: string, target: SipTarget, request: SipRequest, initialState: string) {
    super();
    this.ctx = ctx;
    this.#request = request;
    this.key = key;
    this.target = target;
    this.reliable = isReliable(target.protocol);
    this.state = initialState;
    ctx.counters.activeTransactions++;
  }

  get terminated(): boolean {
    return this.state === 'terminated';
  }

  /**
   * The request this transaction was created for. Read it while the transaction is live; once it
   * only waits out a timer (Accepted, Completed, Confirmed) the request is released.
   */
  get request(): SipRequest {
    if (this.#request === null)
      throw new Error(
        `${this.role} ${this.method} transaction read its request after releasing it (state ${this.state})`,
      );
    return this.#request;
  }

  /** Whether the request is still held (false once the transaction only waits out a timer). */
  get holdsRequest(): boolean {
    return this.#request !== null;
  }

  /**
   * Drops the parsed request (and, with the TU's listeners, whatever it references) when the
   * transaction enters a pure wait state: over UDP every call keeps four transactions for up to
   * 32 s (Timers J, K, L, M), and holding each parsed message that long made a busy node's live
   * heap — and the old-generation GC that walks it — grow with the call rate × 32 s.
   */
  protected releaseRequest(): void {
    this.#request = null;
  }

  protected arm(id: TimerId, ms: number): void {
    const handle = this.ctx.timerHost.set(fire, ms, this, id);
    if (id < TimerId.B) {
      if (this.#retransmitTimer !== undefined) this.ctx.timerHost.clear(this.#retransmitTimer);
      this.#retransmitTimer = handle;
    } else {
      if (this.#lifeTimer !== undefined) this.ctx.timerHost.clear(this.#lifeTimer);
      this.#lifeTimer = handle;
    }
  }

  protected disarmRetransmit(): void {
    if (this.#retransmitTimer !== undefined) {
      this.ctx.timerHost.clear(this.#retransmitTimer);
      this.#retransmitTimer = undefined;
    }
  }

  protected disarmAll(): void {
    this.disarmRetransmit();
    if (this.#lifeTimer !== undefined) {
      this.ctx.timerHost.clear(this.#lifeTimer);
      this.#lifeTimer = undefined;
    }
  }

  /** @internal called by the shared timer callback. */
  fireTimer(id: number): void {
    if (id < TimerId.B) this.#retransmitTimer = undefined;
    else this.#lifeTimer = undefined;
    if (this.state === 'terminated') return;
    this.onTimer(id as TimerId);
  }

  protected abstract onTimer(id: TimerId): void;

  /** Tells the transaction user (client: its typed owner; server: the `timeout` event). */
  protected abstract notifyTimeout(timer: string): void;

  protected abstract notifyTransportError(err: unknown): void;

  protected setState(to: string): void {
    const from = this.state;
    this.state = to;
    if (sipChannels.transactionState.hasSubscribers)
      sipChannels.transactionState.publish({ transaction: this, from, to });
  }

  /**
   * Hands bytes to the transport; a failure (sync throw or rejected promise) ends the transaction.
   * `watch`: a client request waits on its TCP/TLS connection until `unwatch`, and the connection's
   * loss before then is a transport error too (§17.1.4).
   */
  protected transmit(data: Buffer, watch = false): void {
    try {
      const pending = this.ctx.send(data, this.target, watch ? this : undefined);
      if (pending !== undefined) pending.catch((err: unknown) => this.transportError(err));
    } catch (err) {
      // Deferred: a synchronous failure (no transport for the target) happens inside sendRequest(),
      // before the caller could attach its 'transportError' listener.
      queueMicrotask(() => this.transportError(err));
    }
  }

  /** @internal the transport's report that the connection this request waits on is gone. */
  connectionLost(err: Error): void {
    this.transportError(err);
  }

  /** The request has its final response: the connection's fate no longer concerns it. */
  protected unwatch(): void {
    if (this.watching === undefined) return;
    this.watching.delete(this);
    this.watching = undefined;
  }

  protected retransmit(data: Buffer, timer: string): void {
    this.ctx.counters.retransmissionsSent++;
    if (sipChannels.transactionRetransmit.hasSubscribers)
      sipChannels.transactionRetransmit.publish({ transaction: this, timer });
    this.transmit(data);
  }

  /** @see RFC 3261 §17.1.4, §17.2.4: a transport failure is reported to the TU and ends the transaction. */
  transportError(err: unknown): void {
    if (this.state === 'terminated') return;
    this.ctx.counters.transportErrors++;
    this.notifyTransportError(err);
    this.terminate();
  }

  protected timedOut(timer: string): void {
    this.ctx.counters.transactionsTimedOut[this.role]++;
    if (sipChannels.transactionTimeout.hasSubscribers)
      sipChannels.transactionTimeout.publish({ transaction: this, timer });
    this.notifyTimeout(timer);
    this.terminate();
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.disarmAll();
    this.unwatch();
    this.setState('terminated');
    this.ctx.counters.activeTransactions--;
    this.ctx.remove(this);
    if (sipChannels.transactionTerminated.hasSubscribers)
      sipChannels.transactionTerminated.publish({ transaction: this });
    // Checked against the events every transaction has: `this.emit` cannot be, while E is a type parameter.
    (this as unknown as EventEmitter<TransactionEvents>).emit('terminated');
  }
}
