import type { SipProtocol } from './transport/transport.js';

/**
 * Plain counters, incremented in place on the hot path and read by a Prometheus exporter
 * (or a test) whenever it likes. No metrics library here: src/sip stays dependency-free.
 */
export interface SipCounters {
  messagesIn: Record<SipProtocol, number>;
  messagesOut: Record<SipProtocol, number>;
  bytesIn: Record<SipProtocol, number>;
  bytesOut: Record<SipProtocol, number>;
  parseErrors: Record<SipProtocol, number>;
  keepalivesIn: number;
  connectionsOpened: number;
  connectionsClosed: number;
  /** Inbound TCP/TLS connections closed at accept because the transport's maxConnections were open. */
  connectionsRejected: number;
  /** TCP/TLS connections closed because one message took longer than maxMessageTimeMs (slow drip). */
  messageTimeouts: number;
  transportErrors: number;
  transactionsCreated: { client: number; server: number };
  transactionsTimedOut: { client: number; server: number };
  /** Requests and responses re-sent by a transaction timer or for an absorbed request retransmission. */
  retransmissionsSent: number;
  /** Request retransmissions absorbed by a server transaction. */
  retransmissionsReceived: number;
  /** Responses that matched no client transaction, and ACKs for 2xx, passed to the core. */
  strayResponses: number;
  /** Live transactions right now. */
  activeTransactions: number;
  /**
   * With several workers on one UDP port: datagrams handed to the worker their Call-ID belongs to, and taken from
   * siblings.
   */
  steeredOut: number;
  steeredIn: number;
}

export function createSipCounters(): SipCounters {
  const per = (): Record<SipProtocol, number> => ({ udp: 0, tcp: 0, tls: 0 });
  return {
    messagesIn: per(),
    messagesOut: per(),
    bytesIn: per(),
    bytesOut: per(),
    parseErrors: per(),
    keepalivesIn: 0,
    connectionsOpened: 0,
    connectionsClosed: 0,
    connectionsRejected: 0,
    messageTimeouts: 0,
    transportErrors: 0,
    transactionsCreated: { client: 0, server: 0 },
    transactionsTimedOut: { client: 0, server: 0 },
    retransmissionsSent: 0,
    retransmissionsReceived: 0,
    strayResponses: 0,
    activeTransactions: 0,
    steeredOut: 0,
    steeredIn: 0,
  };
}
