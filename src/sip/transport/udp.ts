import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { parseMessage, SipParseError } from '../message/index.js';
import type { ParseLimits } from '../message/parse-limits.js';
import type { SipMessage } from '../message/types.js';
import type { SipCounters } from '../sip-counters.js';
import { sipChannels } from '../sip-diagnostics.js';
import { inboundParseError } from './inbound-parse-error.js';
import type { InboundMessage, SipAddress, SipSource, SipTarget, SipTransport } from './transport.js';
import { ownerOf, unwrapFromSibling, wrapForSibling, type UdpSteering } from './udp-steering.js';

export interface UdpTransportOptions {
  host: string;
  port: number;
  /**
   * SO_RCVBUF; default 4 MB so a burst of a few thousand datagrams is not dropped by the kernel (capped by
   * net.core.rmem_max).
   */
  recvBufferSize?: number;
  limits?: Partial<ParseLimits>;
  counters: SipCounters;
  onMessage(inbound: InboundMessage): void;
  /**
   * One of several worker processes on this port (cluster; see `udp-steering.ts`): the port is
   * shared, a socket of the worker's own (`ownPort`) is named in Via and Record-Route, and each
   * datagram on the shared port is handed to the worker its Call-ID belongs to.
   */
  steering?: UdpSteering;
  /** With `steering`: requests this transport starts leave from the worker's own port (else the shared one). */
  originateFromOwnPort?: boolean;
}

/**
 * The largest UDP payload: 65,535 minus the UDP header and the IPv4 header (20) or, over IPv6, the
 * UDP header only (the IPv6 header is not counted in its payload length; RFC 768, RFC 8200 §3).
 */
const MAX_PAYLOAD_IPV4 = 65_507;
const MAX_PAYLOAD_IPV6 = 65_527;

/**
 * `dgram` resolves the address of every `send` through `lookup`; the default `dns.lookup` answers an
 * IP literal (all a SIP target ever is here) only on the next tick, so each datagram cost a closure,
 * a nextTick and a deferred send. Answering IP literals synchronously sends at once; names still go
 * through `dns.lookup`.
 */
function lookupLiteral(
  address: string,
  family: number,
  callback: (err: Error | null, address: string, family: number) => void,
): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else dnsLookup(address, { family }, callback);
}

/**
 * One UDP socket per listen address; requests and responses leave from it too, so the Via sent-by
 * we advertise is the address peers answer to (RFC 3261 §18.1.1, RFC 3581). As one of several
 * worker processes (`steering`), a second socket of the worker's own joins it: see `udp-steering.ts`.
 * A datagram that fails to parse is answered `400` when possible, else dropped (§18.3 leaves the
 * octets past Content-Length to the codec). A datagram of only CRLFs is a keep-alive and ignored.
 *
 * Outgoing datagrams are queued and sent together, in order, once the current event-loop turn
 * has handled everything it received (`setImmediate`). On loopback and in VMs the `sendmsg` that
 * wakes a sleeping peer costs the sender far more CPU than the next ones to the now-awake peer:
 * sent back to back, a turn's datagrams wake each peer once. Under load a turn holds many
 * datagrams (bench/RESULTS.md "UDP send batching" has the CPU per call it saves); idle, a turn
 * holds one and nothing waits — the delay is the rest of the turn, never a timer.
 */
export class UdpTransport implements SipTransport {
  readonly protocol = 'udp' as const;
  local: SipAddress;
  /** The worker's own socket with `steering`, else null. */
  readonly own: SipAddress | null;
  readonly #socket: dgram.Socket;
  readonly #ownSocket: dgram.Socket | null;
  readonly #options: UdpTransportOptions;
  readonly #limits: Partial<ParseLimits> | undefined;
  readonly #steering: UdpSteering | null;
  /** Datagrams waiting for the end of this loop turn, flat: socket, data, port, address, socket, … */
  #queue: Array<dgram.Socket | Buffer | number | string> = [];
  #closed = false;
  readonly #flush = (): void => {
    const q = this.#queue;
    this.#queue = [];
    for (let i = 0; i < q.length; i += 4) {
      try {
        (q[i] as dgram.Socket).send(q[i + 1] as Buffer, q[i + 2] as number, q[i + 3] as string);
      } catch (error) {
        // send() validated what dgram checks synchronously; anything else is counted like an async error.
        this.#transportError(error);
      }
    }
  };

  private constructor(socket: dgram.Socket, own: dgram.Socket | null, options: UdpTransportOptions) {
    this.#socket = socket;
    this.#ownSocket = own;
    this.#options = options;
    this.#limits = options.limits;
    this.#steering = own === null ? null : (options.steering ?? null);
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    this.own = own === null ? null : { address: own.address().address, port: own.address().port };
    const onError = (error: Error): void => this.#transportError(error);
    socket.on('error', onError);
    if (own === null) {
      socket.on('message', (buf, rinfo) => this.#receive(buf, rinfo.address, rinfo.port, this.local));
      return;
    }
    own.on('error', onError);
    socket.on('message', (buf, rinfo) => this.#receiveShared(buf, rinfo));
    own.on('message', (buf, rinfo) => this.#receiveOwn(buf, rinfo));
  }

  /** A send failure or socket error: counted and published (UDP has no caller to tell). */
  #transportError(error: unknown): void {
    this.#options.counters.transportErrors++;
    if (sipChannels.transportError.hasSubscribers) sipChannels.transportError.publish({ error, protocol: 'udp' });
  }

  static async listen(options: UdpTransportOptions): Promise<UdpTransport> {
    const type = isIP(options.host) === 6 ? 'udp6' : 'udp4';
    const open = (port: number, exclusive: boolean): Promise<dgram.Socket> => {
      const socket = dgram.createSocket({
        type,
        recvBufferSize: options.recvBufferSize ?? 4 * 1024 * 1024,
        ipv6Only: type === 'udp6',
        lookup: lookupLiteral as dgram.SocketOptions['lookup'],
      });
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        // In a cluster worker a non-exclusive bind shares the primary's socket (the steering case).
        socket.bind({ port, address: options.host, exclusive }, () => {
          socket.off('error', reject);
          resolve(socket);
        });
      });
    };
    const shared = await open(options.port, options.steering === undefined);
    const own = options.steering === undefined ? null : await open(options.steering.ownPort, true);
    if (options.steering !== undefined && !options.steering.readsShared) stopReceiving(shared);
    return new UdpTransport(shared, own, options);
  }

  /** The port our Via and Record-Route name: the worker's own with steering, else the listening one. */
  get routePort(): number {
    return this.own?.port ?? this.local.port;
  }

  /** Local addresses responses may leave from (see `SipTarget.local`). */
  get locals(): SipAddress[] {
    return this.own === null ? [this.local] : [this.local, this.own];
  }

  /** A datagram on the shared port: ours by its Call-ID, or handed to the worker it belongs to. */
  #receiveShared(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const st = this.#steering as UdpSteering;
    const owner = ownerOf(buf, st.count, st.index);
    const port = owner === st.index ? 0 : (st.peers[owner] ?? 0);
    if (port === 0) {
      this.#receive(buf, rinfo.address, rinfo.port, this.local);
      return;
    }
    this.#options.counters.steeredOut++;
    if (this.#queue.length === 0) setImmediate(this.#flush);
    this.#queue.push(
      this.#ownSocket as dgram.Socket,
      wrapForSibling(st.key, buf, rinfo.address, rinfo.port),
      port,
      siblingHost(this.own as SipAddress),
    );
  }

  /**
   * On the worker's own port: a sibling's envelope (a message of one of our calls), or a message sent to us directly.
   */
  #receiveOwn(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const st = this.#steering as UdpSteering;
    if (st.peers.includes(rinfo.port) && isLocalSender(rinfo.address, (this.own as SipAddress).address)) {
      const inner = unwrapFromSibling(st.key, buf);
      if (inner !== null) {
        this.#options.counters.steeredIn++;
        // As if read from the shared port: responses leave from it, where the peer sent its request.
        this.#receive(inner.datagram, inner.address, inner.port, this.local);
        return;
      }
    }
    this.#receive(buf, rinfo.address, rinfo.port, this.own as SipAddress);
  }

  #receive(buf: Buffer, address: string, port: number, local: SipAddress): void {
    const counters = this.#options.counters;
    counters.messagesIn.udp++;
    counters.bytesIn.udp += buf.length;
    const source: SipSource = { protocol: 'udp', address, port, local };
    let message: SipMessage;
    try {
      message = parseMessage(buf, this.#limits);
    } catch (err) {
      if (err instanceof SipParseError && err.code === 'empty_message') {
        counters.keepalivesIn++;
        return;
      }
      const answer = inboundParseError(err, source, counters);
      if (answer !== null) this.send(answer, { protocol: 'udp', address, port, local });
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
    // A datagram this size can never leave; dgram would only report EMSGSIZE as a socket 'error'
    // after the caller moved on, and its transaction would wait for Timer B/F. Thrown here, the
    // transaction ends at once with a transport error (RFC 3261 §17.1.4) and the TU can try the
    // next target or answer. RFC 3261 §18.1.1 would move a large request to TCP; the target's
    // transport is the operator's choice here, so a request too large for UDP is an error instead.
    if (
      data.length > MAX_PAYLOAD_IPV4 &&
      data.length > (isIP(target.address) === 6 ? MAX_PAYLOAD_IPV6 : MAX_PAYLOAD_IPV4)
    ) {
      throw new RangeError(`SIP message of ${data.length} octets is too large for a UDP datagram`);
    }
    const counters = this.#options.counters;
    counters.messagesOut.udp++;
    counters.bytesOut.udp += data.length;
    if (sipChannels.messageOut.hasSubscribers) sipChannels.messageOut.publish({ data, target });
    if (this.#queue.length === 0) setImmediate(this.#flush);
    this.#queue.push(this.#socketFor(target), data, port, target.address);
  }

  /** A response leaves from the socket its request came in on; a request from the shared or our own. */
  #socketFor(target: SipTarget): dgram.Socket {
    const own = this.#ownSocket;
    if (own === null) return this.#socket;
    if (target.local !== undefined) return target.local.port === (this.own as SipAddress).port ? own : this.#socket;
    return this.#options.originateFromOwnPort === true ? own : this.#socket;
  }

  /** Sends what is queued, then closes the sockets. */
  async close(): Promise<void> {
    this.#flush();
    this.#closed = true;
    const own = this.#ownSocket;
    await Promise.all([
      new Promise<void>((resolve) => this.#socket.close(() => resolve())),
      own === null ? null : new Promise<void>((resolve) => own.close(() => resolve())),
    ]);
  }
}

/**
 * Keeps a bound socket from reading: a steered worker that is not the reader still sends from the
 * shared socket. dgram has no public call for it; its libuv handle has had `recvStop()` since Node
 * 0.x. The handle is reached through dgram's own state object (`kStateSymbol`, described
 * `state symbol`), not the `_handle` getter, which prints a deprecation warning (DEP0112) in every
 * worker. Without a handle the worker reads too, which is correct, only costlier.
 */
function stopReceiving(socket: dgram.Socket): void {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle = state === undefined ? undefined : (socket as unknown as Record<symbol, DgramState>)[state]?.handle;
  if (typeof handle?.recvStop === 'function') handle.recvStop();
}

/** The part of dgram's internal per-socket state `stopReceiving` uses. */
interface DgramState {
  handle?: { recvStop?: () => number } | null;
}

/** Where a sibling worker's own port is reached: its bind address, or loopback for a wildcard. */
function siblingHost(own: SipAddress): string {
  if (own.address === '0.0.0.0') return '127.0.0.1';
  if (own.address === '::') return '::1';
  return own.address;
}

/**
 * An envelope is only taken from this host: loopback or our own bind address (the kernel drops our addresses arriving
 * from outside).
 */
function isLocalSender(address: string, bound: string): boolean {
  return address === bound || address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';
}
