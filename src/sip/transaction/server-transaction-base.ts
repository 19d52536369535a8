import type { SipRequest, SipResponse } from '../message/types.js';
import type { SipSource, SipTarget } from '../transport/transport.js';
import { randomToken } from './branch.js';
import { getHeader } from '../message/get-header.js';
import { nameAddrTag } from '../message/name-addr-tag.js';
import { responseTo, serialize } from './message-fields.js';
import { TransactionBase, type TransactionContext, type TransactionEvents } from './transaction-base.js';

export interface ReplyOptions {
  /** Extra headers appended to the response (e.g. `WWW-Authenticate`, `Contact`). */
  headers?: Array<{ name: string; value: string }>;
  body?: Buffer;
  /** Content-Type for `body`. */
  contentType?: string;
}

/** The events both server transactions emit: no response from the core, or no ACK for it, in time. */
export interface ServerTransactionEvents extends TransactionEvents {
  timeout: [timer: string];
}

/**
 * What both server transactions share: the request, where responses go, and `reply()`, which builds
 * a response with one To tag for the whole transaction (§8.2.6.2: the same tag on every response
 * of a dialog-creating request) unless the request already carried one.
 */
export abstract class ServerTransactionBase<
  E extends Record<keyof E, unknown[]> & ServerTransactionEvents = ServerTransactionEvents,
> extends TransactionBase<E> {
  readonly role = 'server' as const;
  readonly source: SipSource;
  #toTag: string | undefined;
  /** Serialized last response, re-sent for request retransmissions. */
  protected lastResponse: Buffer | undefined;
  /** The status of the last response sent, 0 before any. */
  lastStatus = 0;

  constructor(
    ctx: TransactionContext,
    key: string,
    target: SipTarget,
    request: SipRequest,
    source: SipSource,
    initialState: string,
  ) {
    super(ctx, key, target, request, initialState);
    this.source = source;
  }

  /** The To tag this transaction puts on its responses (generated on first use; null for in-dialog requests). */
  get toTag(): string | null {
    if (this.#toTag === undefined && this.holdsRequest) {
      const to = getHeader(this.request, 'to') ?? '';
      this.#toTag = nameAddrTag(to) !== null ? '' : randomToken();
    }
    return this.#toTag === '' || this.#toTag === undefined ? null : this.#toTag;
  }

  /** Builds a response to the request (with this transaction's To tag above 100) and sends it. */
  reply(status: number, reason?: string, options: ReplyOptions = {}): boolean {
    if (!this.holdsRequest) return false; // only waiting out a timer: no new response is allowed anyway
    const tag = status > 100 ? (this.toTag ?? undefined) : undefined;
    const headers = options.headers?.map((h) => ({ name: h.name.toLowerCase(), value: h.value })) ?? [];
    if (options.body !== undefined && options.contentType !== undefined)
      headers.push({ name: 'content-type', value: options.contentType });
    return this.respond(responseTo(this.request, status, reason, tag, headers, options.body));
  }

  /** Sends a response built by the core (a proxy forwarding a downstream response). False if the state forbids it. */
  abstract respond(res: SipResponse): boolean;

  /** A retransmission of the request arrived. */
  abstract receiveRetransmission(): void;

  protected sendResponse(res: SipResponse): void {
    const data = serialize(res);
    this.lastResponse = data;
    this.lastStatus = res.status;
    this.transmit(data);
  }

  /**
   * Over UDP the last response is kept for retransmissions for up to 32 s (Timers G/H, J). It was
   * serialized into Node's shared 8 KB buffer pool, where one long-lived response pins a whole slab
   * of short-lived messages; a private copy of its exact size lets those slabs be freed.
   */
  protected keepLastResponse(): void {
    const last = this.lastResponse;
    if (last === undefined || this.reliable) return;
    const own = Buffer.allocUnsafeSlow(last.length);
    last.copy(own);
    this.lastResponse = own;
  }

  protected resendLast(): void {
    this.ctx.counters.retransmissionsReceived++;
    if (this.lastResponse !== undefined) this.retransmit(this.lastResponse, 'request');
  }
}
