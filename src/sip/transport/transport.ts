import type { SipMessage } from '../message/types.js';

/**
 * The one interface every transport (`udp.ts`, `tcp.ts`, `tls.ts`) implements.
 * Transports frame and parse; they know nothing of transactions.
 *
 * @see RFC 3261 §18
 */

export type SipProtocol = 'udp' | 'tcp' | 'tls';

export interface SipAddress {
  address: string;
  port: number;
}

/** Where to send: a remote address, and for TCP/TLS optionally the connection a request came in on. */
export interface SipTarget extends SipAddress {
  protocol: SipProtocol;
  /** Send over this connection when it is still open (responses, RFC 3261 §18.2.2); else connect/reuse by address. */
  connectionId?: string | undefined;
  /** Send from this local transport (responses leave from the socket their request arrived on). */
  local?: SipAddress | undefined;
  /**
   * TLS: the host name sent in SNI and checked against the peer's certificate (RFC 5922 §4: the
   * domain of the URI, not the address DNS gave for it); default the address.
   */
  serverName?: string | undefined;
}

/** Where an inbound message came from. */
export interface SipSource extends SipAddress {
  protocol: SipProtocol;
  /** Set for TCP/TLS: the connection it arrived on. */
  connectionId?: string | undefined;
  /** The local transport that received it. */
  local: SipAddress;
}

export interface InboundMessage {
  message: SipMessage;
  source: SipSource;
}

export interface SipTransportEvents {
  /** A parsed message. */
  onMessage(inbound: InboundMessage): void;
}

/**
 * A client transaction waiting on a TCP/TLS connection for its final response (RFC 3261 §17.1.4:
 * a transport failure is reported to it and treated as a 503). A connection that closes or fails
 * first tells every watcher: a peer that refuses us once the handshake is over — a TLS 1.3 server
 * rejecting our client certificate sends its alert after our side finished (RFC 8446 §4.4.2.4) —
 * or that resets the connection would otherwise leave the transaction to its timer.
 */
export interface ConnectionWatcher {
  /**
   * The watchers of the connection it waits on, set by the transport (undefined when none): the
   * watcher deletes itself from it once answered, so a long-lived connection holds no old ones.
   */
  watching: Set<ConnectionWatcher> | undefined;
  /** The connection closed or failed before the watcher let go. */
  connectionLost(err: Error): void;
}

export interface SipTransport {
  readonly protocol: SipProtocol;
  /** The bound address (port resolved when 0 was asked). */
  readonly local: SipAddress;
  /** Every local address it sends from, when more than `local` (a steered UDP worker's own socket). */
  readonly locals?: SipAddress[];
  /** The port to name in our Via and Record-Route, when not `local.port`. */
  readonly routePort?: number;
  /**
   * Sends bytes; for TCP/TLS opens or reuses a connection. Rejects/throws on transport errors. A
   * `watcher` hears when that connection is lost (TCP/TLS; UDP has no connection to lose).
   */
  send(data: Buffer, target: SipTarget, watcher?: ConnectionWatcher): Promise<void> | void;
  close(): Promise<void>;
}

export function isReliable(protocol: SipProtocol): boolean {
  return protocol !== 'udp';
}
