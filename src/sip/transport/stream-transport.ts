import { isIP, type Server, type Socket } from 'node:net';
import { SipStreamParser, type StreamItem } from '../message/index.js';
import type { ParseLimits } from '../message/parse-limits.js';
import type { SipCounters } from '../sip-counters.js';
import { sipChannels } from '../sip-diagnostics.js';
import { ConnectionWatchers } from './connection-watchers.js';
import { inboundParseError } from './inbound-parse-error.js';
import type { ConnectionWatcher, InboundMessage, SipAddress, SipSource, SipTarget, SipTransport } from './transport.js';

export interface StreamTransportOptions {
  /** Listen address; omit both for a client-only transport. */
  host?: string;
  port?: number;
  /** Close a connection after this long without traffic either way (default 5 minutes; 0 disables). */
  idleTimeoutMs?: number;
  /**
   * Close a connection when one message takes longer than this to arrive in full, from its first
   * byte to its last (default 20 s, Kamailio's tcp_msg_read_timeout; 0 disables). The idle timeout
   * alone cannot stop a slow-drip (slowloris) peer: every byte resets it.
   */
  maxMessageTimeMs?: number;
  /** Accepted connections beyond this many open ones are closed at once (default 10,000; 0 = no limit). */
  maxConnections?: number;
  limits?: Partial<ParseLimits>;
  counters: SipCounters;
  onMessage(inbound: InboundMessage): void;
}

interface Connection {
  id: string;
  socket: Socket;
  remoteKey: string;
  /** Set while an outbound connection is being established: settles on connect or error. */
  pending: Promise<void> | undefined;
  /** Corked until the end of the current tick (see `write`). */
  corked: boolean;
  /** Client transactions still waiting for a final response on this connection. */
  watchers: ConnectionWatchers;
}

function uncork(conn: Connection): void {
  conn.corked = false;
  conn.socket.uncork();
}

/**
 * Writes are gathered per connection until the end of the tick: a TCP chunk often carries several
 * messages, and the requests and responses they cause for the same peer then leave in one writev
 * instead of one syscall each (a third of the gateway's CPU went into send syscalls). Nothing waits
 * longer than the current callback.
 */
function write(conn: Connection, data: Buffer): void {
  if (!conn.corked) {
    conn.corked = true;
    conn.socket.cork();
    process.nextTick(uncork, conn);
  }
  conn.socket.write(data);
}

const CRLF = Buffer.from('\r\n');
export const DEFAULT_MAX_MESSAGE_TIME_MS = 20_000;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
let nextConnectionId = 1;

/**
 * What TCP and TLS share: connection table, Content-Length framing with `SipStreamParser`, idle
 * timeouts, keep-alive pongs. `tcp.ts` and `tls.ts` only say how to listen and how to connect.
 *
 * Connections are reused by remote `address:port` in both directions (RFC 3261 §18.1.1, §18.2.2):
 * a response goes back on the connection its request came in on, and a new request to an address
 * we already have a connection with uses it.
 */
export abstract class StreamTransport implements SipTransport {
  abstract readonly protocol: 'tcp' | 'tls';
  local: SipAddress = { address: '', port: 0 };
  protected readonly options: StreamTransportOptions;
  protected server: Server | null = null;
  readonly #byId = new Map<string, Connection>();
  readonly #byRemote = new Map<string, Connection>();

  constructor(options: StreamTransportOptions) {
    this.options = options;
  }

  protected abstract createServer(onSocket: (socket: Socket) => void): Server;
  /** Opens a client connection; the returned socket may still be connecting (writes are buffered). */
  protected abstract connect(target: SipTarget): { socket: Socket; ready: string };

  /**
   * Source address for outbound connections: the listener's own IP when it has a specific one of the
   * target's family, so a peer that authorises by source IP (a trunk whitelist) sees the address we
   * listen on, not whatever the kernel's route picks (127.0.0.2 would otherwise leave as 127.0.0.1).
   */
  protected localAddressFor(target: SipTarget): { localAddress?: string } {
    const a = this.local.address;
    if (a === '' || a === '0.0.0.0' || a === '::') return {};
    if (isIP(a) !== isIP(target.address)) return {};
    return { localAddress: a };
  }

  /** Binds the listener when host/port were given. */
  async start(): Promise<this> {
    if (this.options.host === undefined) return this;
    const server = this.createServer((socket) => this.#adopt(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After listen, a server error (EMFILE on accept…) must not crash the process: count and publish it.
    server.on('error', (error) => {
      this.options.counters.transportErrors++;
      if (sipChannels.transportError.hasSubscribers)
        sipChannels.transportError.publish({ error, protocol: this.protocol });
    });
    const a = server.address();
    if (a !== null && typeof a === 'object') this.local = { address: a.address, port: a.port };
    return this;
  }

  get connectionCount(): number {
    return this.#byId.size;
  }

  #adopt(socket: Socket): Connection | null {
    // Every connection costs a descriptor and parser buffers: past the cap, refuse rather than let a
    // flood of idle connections exhaust the process (each would otherwise live for idleTimeoutMs).
    const max = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (max > 0 && this.#byId.size >= max) {
      this.options.counters.connectionsRejected++;
      if (sipChannels.connection.hasSubscribers) {
        sipChannels.connection.publish({
          event: 'rejected',
          protocol: this.protocol,
          connectionId: null,
          remote: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`,
        });
      }
      socket.on('error', () => {});
      socket.destroy();
      return null;
    }
    const remoteKey = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`;
    return this.#register(socket, remoteKey);
  }

  #register(socket: Socket, remoteKey: string): Connection {
    const conn: Connection = {
      id: `${this.protocol}-${nextConnectionId++}`,
      socket,
      remoteKey,
      pending: undefined,
      corked: false,
      watchers: new ConnectionWatchers(),
    };
    const counters = this.options.counters;
    const protocol = this.protocol;
    this.#byId.set(conn.id, conn);
    this.#byRemote.set(remoteKey, conn);
    // Named (TLS, verified for a server name): requests that name only the address — in-dialog ones
    // routed by a Contact or Record-Route — may use it too, when no other connection is there.
    const hash = remoteKey.indexOf('#');
    const plainKey = hash === -1 ? null : remoteKey.slice(0, hash);
    if (plainKey !== null && !this.#byRemote.has(plainKey)) this.#byRemote.set(plainKey, conn);
    counters.connectionsOpened++;
    this.#publishConnection('open', conn);
    socket.setNoDelay(true);
    const idle = this.options.idleTimeoutMs ?? 300_000;
    if (idle > 0) {
      socket.setTimeout(idle, () => {
        this.#publishConnection('idle-timeout', conn);
        socket.destroy();
      });
    }
    const parser = new SipStreamParser(this.options.limits);
    const maxMessageTime = this.options.maxMessageTimeMs ?? DEFAULT_MAX_MESSAGE_TIME_MS;
    let messageTimer: NodeJS.Timeout | undefined;
    const stopMessageTimer = (): void => {
      if (messageTimer !== undefined) clearTimeout(messageTimer);
      messageTimer = undefined;
    };
    let source: SipSource | null = null;
    socket.on('data', (chunk: Buffer) => {
      counters.bytesIn[protocol] += chunk.length;
      source ??= {
        protocol,
        address: socket.remoteAddress ?? '',
        port: socket.remotePort ?? 0,
        connectionId: conn.id,
        local: this.local,
      };
      let items: StreamItem[];
      try {
        items = parser.push(chunk);
      } catch (err) {
        // A framing error leaves the stream position unknown: answer 400 if we can, then close.
        const answer = inboundParseError(err, source, counters);
        if (answer !== null) {
          counters.messagesOut[protocol]++;
          socket.end(answer);
        } else socket.destroy();
        return;
      }
      if (maxMessageTime > 0) {
        // The clock runs per message: a completed message restarts it for the next one.
        if (items.length > 0 || parser.pendingBytes === 0) stopMessageTimer();
        if (parser.pendingBytes > 0 && messageTimer === undefined) {
          messageTimer = setTimeout(() => {
            counters.messageTimeouts++;
            this.#publishConnection('message-timeout', conn);
            socket.destroy();
          }, maxMessageTime);
          messageTimer.unref();
        }
      }
      for (const item of items) {
        if (item.type === 'keepalive') {
          counters.keepalivesIn++;
          // RFC 5626 §4.4.1: a double-CRLF ping is answered with a single CRLF pong.
          if (item.pong) socket.write(CRLF);
          continue;
        }
        counters.messagesIn[protocol]++;
        if (sipChannels.messageIn.hasSubscribers) sipChannels.messageIn.publish({ message: item.message, source });
        this.options.onMessage({ message: item.message, source });
      }
    });
    let lastError: Error | undefined;
    socket.on('error', (error) => {
      lastError = error;
      counters.transportErrors++;
      if (sipChannels.transportError.hasSubscribers)
        sipChannels.transportError.publish({ error, protocol, connectionId: conn.id });
    });
    socket.on('close', () => {
      stopMessageTimer();
      counters.connectionsClosed++;
      this.#byId.delete(conn.id);
      if (this.#byRemote.get(conn.remoteKey) === conn) this.#byRemote.delete(conn.remoteKey);
      if (plainKey !== null && this.#byRemote.get(plainKey) === conn) this.#byRemote.delete(plainKey);
      this.#publishConnection('close', conn);
      conn.watchers.lose(`${conn.id} to ${conn.remoteKey}`, lastError);
    });
    return conn;
  }

  #publishConnection(event: string, conn: Connection): void {
    if (sipChannels.connection.hasSubscribers) {
      sipChannels.connection.publish({ event, protocol: this.protocol, connectionId: conn.id, remote: conn.remoteKey });
    }
  }

  /**
   * Writes on the request's own connection, else on a connection to `address:port`, else opens one.
   * Resolves once written to an open connection; rejects when a new connection cannot be made or the
   * connection is gone, which the transaction turns into a transport error (§17.1.4). A `watcher`
   * (a client transaction) also hears when the connection is lost later, before it lets go.
   */
  send(data: Buffer, target: SipTarget, watcher?: ConnectionWatcher): Promise<void> | void {
    const counters = this.options.counters;
    let conn = target.connectionId !== undefined ? this.#byId.get(target.connectionId) : undefined;
    // A connection verified for one TLS server name is not reused for another at the same address.
    const name = target.serverName;
    const remoteKey = `${target.address}:${target.port}${name === undefined ? '' : `#${name}`}`;
    conn ??= this.#byRemote.get(remoteKey);
    counters.messagesOut[this.protocol]++;
    counters.bytesOut[this.protocol] += data.length;
    if (sipChannels.messageOut.hasSubscribers) sipChannels.messageOut.publish({ data, target });
    if (conn !== undefined && !conn.socket.destroyed) {
      if (watcher !== undefined) conn.watchers.add(watcher);
      write(conn, data);
      // Still connecting: the caller learns about a failed connect like the first sender did.
      return conn.pending;
    }
    const { socket, ready } = this.connect(target);
    const fresh = this.#register(socket, remoteKey);
    if (watcher !== undefined) fresh.watchers.add(watcher);
    write(fresh, data);
    fresh.pending = new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        socket.off('error', onError);
        fresh.pending = undefined;
        resolve();
      };
      const onError = (err: Error): void => {
        socket.off(ready, onReady);
        reject(err);
      };
      socket.once(ready, onReady);
      socket.once('error', onError);
    });
    return fresh.pending;
  }

  async close(): Promise<void> {
    for (const conn of this.#byId.values()) conn.socket.destroy();
    const server = this.server;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
