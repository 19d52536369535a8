import type { SipRequest, SipResponse } from '../message/types.js';

/**
 * The one owner a client transaction reports to (RFC 3261 §17.1: the transaction user). Handing a
 * call over (an answered INVITE whose 2xx retransmissions still come in) is swapping this object;
 * a transaction in a pure wait state drops it so the call state it holds can be collected.
 */
export interface ClientTransactionUser {
  /** A 1xx (§17.1.1.2, §17.1.2.2). */
  provisional(res: SipResponse): void;
  /** A final response; `retransmission` is true for a 2xx passed up again in Accepted (RFC 6026 §8.4). */
  final(res: SipResponse, retransmission: boolean): void;
  /** Timer B, C or F fired with no final response. */
  timeout(timer: string): void;
  /** The transport could not send the request (§17.1.4). */
  transportError(err: unknown): void;
}

/** The owner of an INVITE server transaction: a matched CANCEL (§9.2) and transport failures (§17.2.4). */
export interface InviteServerTransactionUser {
  /** A CANCEL matched this transaction; the layer has already answered it 200. */
  cancel(cancelRequest: SipRequest): void;
  transportError(err: unknown): void;
}

function ignore(): void {}

/** A client transaction nobody listens to (a CANCEL, a fire-and-forget BYE) or that was let go. */
export const ignoringClientUser: ClientTransactionUser = {
  provisional: ignore,
  final: ignore,
  timeout: ignore,
  transportError: ignore,
};

/** An INVITE server transaction whose owner has finished with it. */
export const ignoringServerUser: InviteServerTransactionUser = { cancel: ignore, transportError: ignore };
