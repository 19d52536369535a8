import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { parseMessage, SipParseError } from '../message/index.js';
import type { ParseLimits } from '../message/parse-limits.js';
import type { SipCounters } from '../sip-counters.js';
import { sipChannels } from '../sip-diagnostics.js';
import { inboundParseError } from './inbound-parse-error.js';
import type { InboundMessage, SipAddress, SipSource, SipTarget, SipTransport } from './transport.js';

export interface UdpTransportOptions {
  host: string;
  port: number;
  /** SO_RCVBUF; default 4 MB so a burst of a few thousand datagrams is not dropped by the kernel (capped by net.core.rmem_max). */
  recvBufferSize?: number;
  limits?: Partial<ParseLimits>;
  counters: SipCounters;
  onMessage(inbound: InboundMessage): void;
}

/**
 * `dgram` resolves the address of every `send` through `lookup`; the default `dns.lookup` answers an
 * IP literal (all a SIP target ever is here) only on the next tick, so each datagram cost a closure,
 * a nextTick and a deferred send. Answering IP literals synchronously sends at once; names still go
 * through `dns.lookup`.
 */
function lookupLiteral(address: string, family: number, callback: (err: Error | null, address: string, family: number) => void): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else dnsLookup(address, { family }, callback);
}

/**
 * One UDP socket per listen address; requests and responses leave from it too, so the Via sent-by
 * we advertise is the address peers answer to (RFC 3261 §18.1.1, RFC 3581).
 * A datagram that fails to parse is answered `400` when possible, else dropped (§18.3 leaves the
 * octets past Content-Length to the codec). A datagram of only CRLFs is a keep-alive and ignored.
 *
 * Outgoing datagrams are queued and sent together, in order, once the current event-loop turn
 * has handled everything it received (`setImmediate`). On loopback and in VMs the `sendmsg` that
 * wakes a sleeping peer costs tens of µs of the sender's CPU, the next ones to the now-awake peer
 * a few: sent back to back, a turn's datagrams wake each peer once. Under load a turn holds many
 * datagrams (15–20 % less CPU per proxied call, bench/RESULTS.md "UDP send batching"); idle, a turn
 * holds one and nothing waits — the delay is the rest of the turn, never a timer.
 */
export class UdpTransport implements SipTransport {
  readonly protocol = 'udp' as const;
  local: SipAddress;
  readonly #socket: dgram.Socket;
  readonly #options: UdpTransportOptions;
  readonly #limits: Partial<ParseLimits> | undefined;
  /** Datagrams waiting for the end of this loop turn, flat: data, port, address, data, … */
  #queue: Array<Buffer | number | string> = [];
  #closed = false;
  readonly #flush = (): void => {
    const q = this.#queue;
    this.#queue = [];
    for (let i = 0; i < q.length; i += 3) {
      try {
        this.#socket.send(q[i] as Buffer, q[i + 1] as number, q[i + 2] as string);
      } catch (error) {
        // send() validated what dgram checks synchronously; anything else is counted like an async error.
        this.#options.counters.transportErrors++;
        if (sipChannels.transportError.hasSubscribers) sipChannels.transportError.publish({ error, protocol: 'udp' });
      }
    }
  };

  private constructor(socket: dgram.Socket, options: UdpTransportOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#limits = options.limits;
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    socket.on('message', (buf, rinfo) => this.#receive(buf, rinfo));
    socket.on('error', (error) => {
      options.counters.transportErrors++;
      if (sipChannels.transportError.hasSubscribers) sipChannels.transportError.publish({ error, protocol: 'udp' });
    });
  }

  static listen(options: UdpTransportOptions): Promise<UdpTransport> {
    const type = isIP(options.host) === 6 ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, recvBufferSize: options.recvBufferSize ?? 4 * 1024 * 1024, ipv6Only: type === 'udp6', lookup: lookupLiteral as dgram.SocketOptions['lookup'] });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        resolve(new UdpTransport(socket, options));
      });
    });
  }

  #receive(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const counters = this.#options.counters;
    counters.messagesIn.udp++;
    counters.bytesIn.udp += buf.length;
    const source: SipSource = { protocol: 'udp', address: rinfo.address, port: rinfo.port, local: this.local };
    let message;
    try {
      message = parseMessage(buf, this.#limits);
    } catch (err) {
      if (err instanceof SipParseError && err.code === 'empty_message') {
        counters.keepalivesIn++;
        return;
      }
      const answer = inboundParseError(err, source, counters);
      if (answer !== null) this.send(answer, { protocol: 'udp', address: rinfo.address, port: rinfo.port });
      return;
    }
    if (sipChannels.messageIn.hasSubscribers) sipChannels.messageIn.publish({ message, source });
    this.#options.onMessage({ message, source });
  }

  /**
   * Fire-and-forget: UDP has no connection to fail. No per-send callback (one closure less per
   * datagram on the hot path): send errors surface as the socket's 'error' event, counted and published.
   * The datagram leaves at the end of this loop turn, after those queued before it (see the class).
   */
  send(data: Buffer, target: SipTarget): void {
    // What dgram would throw at once, thrown here before queueing, so the caller still sees it.
    if (this.#closed) throw new Error('UDP transport is closed');
    const port = target.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`invalid UDP port ${port}`);
    const counters = this.#options.counters;
    counters.messagesOut.udp++;
    counters.bytesOut.udp += data.length;
    if (sipChannels.messageOut.hasSubscribers) sipChannels.messageOut.publish({ data, target });
    if (this.#queue.length === 0) setImmediate(this.#flush);
    this.#queue.push(data, port, target.address);
  }

  /** Sends what is queued, then closes the socket. */
  close(): Promise<void> {
    this.#flush();
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
