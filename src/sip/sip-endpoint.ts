import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { prependHeader, serializeMessage, validateMessage } from './message/index.js';
import type { ParseLimits } from './message/parse-limits.js';
import type { SipMessage, SipRequest, SipResponse, Via } from './message/types.js';
import { createSipCounters, type SipCounters } from './sip-counters.js';
import { sipChannels } from './sip-diagnostics.js';
import { generateBranch } from './transaction/branch.js';
import type { InviteClientTransaction } from './transaction/invite-client-transaction.js';
import { InviteServerTransaction } from './transaction/invite-server-transaction.js';
import { topVia, topViaRaw } from './transaction/message-fields.js';
import { getHeader } from './message/get-header.js';
import { hasToTag } from './message/has-to-tag.js';
import type { TimerConfig, TimerHost } from './transaction/timer-config.js';
import { ignoringClientUser, type ClientTransactionUser } from './transaction/transaction-user.js';
import {
  TransactionLayer,
  type ClientTransaction,
  type RequestScreen,
  type ServerTransaction,
} from './transaction/transaction-layer.js';
import { selfSignedCertificate } from './transport/self-signed-certificate.js';
import { TcpTransport } from './transport/tcp.js';
import { TlsTransport } from './transport/tls.js';
import type {
  ConnectionWatcher,
  InboundMessage,
  SipAddress,
  SipProtocol,
  SipSource,
  SipTarget,
  SipTransport,
} from './transport/transport.js';
import { UdpTransport } from './transport/udp.js';
import type { UdpSteering } from './transport/udp-steering.js';
import { inboundParseError } from './transport/inbound-parse-error.js';
import { statelessResponse } from './stateless-response.js';
import { responseTarget, stampVia } from './via-stamp.js';

export interface ListenAddress {
  protocol: SipProtocol;
  host: string;
  /** 0 picks a free port; read the real one from `addresses()`. */
  port: number;
}

/**
 * Outbound TLS verifies peers by default; `caFile` adds trusted roots, `rejectUnauthorized: false` turns checks off.
 */
export type TlsOptions = ({ certFile: string; keyFile: string } | { selfSignedDir: string }) & {
  rejectUnauthorized?: boolean;
  caFile?: string;
  /** Present the certificate as a client certificate on outbound TLS too (mutual TLS). */
  clientCert?: boolean;
};

export interface SipEndpointOptions {
  listen: ListenAddress[];
  /** Needed when a `tls` listen address is given or outbound TLS is wanted. */
  tls?: TlsOptions;
  /** Create client-only TCP/TLS transports for protocols with no listener (e.g. origination over TLS). */
  clientProtocols?: SipProtocol[];
  timers?: Partial<TimerConfig>;
  timerHost?: TimerHost;
  limits?: Partial<ParseLimits>;
  /** TCP/TLS idle connection timeout, ms (default 300 000). */
  idleTimeoutMs?: number;
  /** TCP/TLS: longest time one message may take to arrive in full, ms (default 20 000; 0 disables). */
  maxMessageTimeMs?: number;
  /** TCP/TLS: open inbound connections per transport before new ones are refused (default 10 000). */
  maxConnections?: number;
  udpRecvBufferSize?: number;
  /** Several worker processes share the UDP listen ports (see `transport/udp-steering.ts`). */
  udpSteering?: UdpSteering;
  /** With `udpSteering`: requests we start over UDP leave from the worker's own port, not the shared one. */
  udpOriginateFromOwnPort?: boolean;
  /**
   * Host written in our Via sent-by when listening on a wildcard address (default: the bound address, or 127.0.0.1 for
   * 0.0.0.0).
   */
  advertisedHost?: string;
}

export type RequestHandler = (tx: ServerTransaction) => void;
export type AckHandler = (ack: SipRequest, source: SipSource, tx: InviteServerTransaction | null) => void;
export type ResponseHandler = (res: SipResponse, source: SipSource) => void;
/**
 * Sees an initial request (no To tag; not ACK or CANCEL; not a retransmission of a live
 * transaction) before any transaction exists: 'admit' goes on as usual, a response is sent
 * statelessly (one serialize, one send; build it with `statelessResponse`), 'drop' ignores it.
 */
export type InitialRequestHook = (request: SipRequest, source: SipSource, via: Via) => 'admit' | SipResponse | 'drop';

/**
 * A SIP element's transport + transaction layers (RFC 3261 §17, §18) behind one object.
 * See the API overview in `src/sip/index.ts`.
 */
export class SipEndpoint {
  readonly counters: SipCounters;
  readonly transactions: TransactionLayer;
  readonly #transports: SipTransport[] = [];
  readonly #byLocal = new Map<string, SipTransport>();
  readonly #advertisedHost: string | undefined;
  #onRequest: RequestHandler | null = null;
  #onAck: AckHandler | null = null;
  #onResponse: ResponseHandler | null = null;
  #screen: RequestScreen | undefined;

  private constructor(options: SipEndpointOptions, counters: SipCounters) {
    this.counters = counters;
    this.#advertisedHost = options.advertisedHost;
    this.transactions = new TransactionLayer({
      counters,
      send: (data, target, watcher) => this.#send(data, target, watcher),
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.timerHost ? { timerHost: options.timerHost } : {}),
    });
  }

  static async create(options: SipEndpointOptions): Promise<SipEndpoint> {
    const counters = createSipCounters();
    const ep = new SipEndpoint(options, counters);
    const onMessage = (inbound: InboundMessage): void => ep.#receive(inbound);
    const common = { counters, onMessage, ...(options.limits ? { limits: options.limits } : {}) };
    const stream = {
      ...common,
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.maxMessageTimeMs !== undefined ? { maxMessageTimeMs: options.maxMessageTimeMs } : {}),
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    };
    let tlsMaterial: {
      cert: Buffer;
      key: Buffer;
      rejectUnauthorized?: boolean;
      ca?: Buffer;
      clientCert?: boolean;
    } | null = null;
    const wantsTls = options.listen.some((l) => l.protocol === 'tls') || options.clientProtocols?.includes('tls');
    if (wantsTls) {
      if (options.tls === undefined) throw new Error('TLS listen address or client given without tls options');
      const files = 'certFile' in options.tls ? options.tls : await selfSignedCertificate(options.tls.selfSignedDir);
      tlsMaterial = { cert: await readFile(files.certFile), key: await readFile(files.keyFile) };
      if (options.tls.rejectUnauthorized !== undefined) tlsMaterial.rejectUnauthorized = options.tls.rejectUnauthorized;
      if (options.tls.caFile !== undefined) tlsMaterial.ca = await readFile(options.tls.caFile);
      if (options.tls.clientCert === true) tlsMaterial.clientCert = true;
    }
    try {
      for (const l of options.listen) {
        const t =
          l.protocol === 'udp'
            ? await UdpTransport.listen({
                ...common,
                host: l.host,
                port: l.port,
                ...(options.udpRecvBufferSize ? { recvBufferSize: options.udpRecvBufferSize } : {}),
                ...(options.udpSteering
                  ? { steering: options.udpSteering, originateFromOwnPort: options.udpOriginateFromOwnPort === true }
                  : {}),
              })
            : l.protocol === 'tcp'
              ? await TcpTransport.listen({ ...stream, host: l.host, port: l.port })
              : await TlsTransport.listen({ ...stream, ...tlsMaterial!, host: l.host, port: l.port });
        ep.#add(t);
      }
      for (const p of options.clientProtocols ?? []) {
        if (ep.#transports.some((t) => t.protocol === p)) continue;
        if (p === 'tcp') ep.#add(await new TcpTransport(stream).start());
        else if (p === 'tls') ep.#add(await new TlsTransport({ ...stream, ...tlsMaterial! }).start());
      }
    } catch (err) {
      await ep.close();
      throw err;
    }
    return ep;
  }

  #add(t: SipTransport): void {
    this.#transports.push(t);
    for (const l of t.locals ?? [t.local]) this.#byLocal.set(`${t.protocol}|${l.address}|${l.port}`, t);
  }

  /**
   * The port our Via and Record-Route name for a protocol: a steered UDP worker's own port, else the listener's (0 when
   * none).
   */
  routePort(protocol: SipProtocol): number {
    const t = this.#transports.find((x) => x.protocol === protocol && x.local.port !== 0);
    return t === undefined ? 0 : (t.routePort ?? t.local.port);
  }

  /**
   * New server transactions (never ACK, never CANCEL: CANCEL is answered by the layer and reaches the INVITE
   * transaction's user as `cancel`).
   */
  onRequest(handler: RequestHandler): void {
    this.#onRequest = handler;
  }

  /** ACKs that belong to no transaction the layer absorbs them in: ACK for 2xx (§13.3.1.4, §16.7). */
  onAck(handler: AckHandler): void {
    this.#onAck = handler;
  }

  /**
   * Early admission of initial requests, before the transaction layer creates anything: the
   * cheap way to refuse under overload (a stateless 503, §8.2.6 / §16.9) or to drop a flood.
   * The UAC's ACK for a stateless non-2xx matches no transaction and reaches `onAck` with a null
   * transaction, like an ACK for a 2xx.
   */
  onInitialRequest(hook: InitialRequestHook): void {
    this.#screen = (req, via, source) => {
      if (hasToTag(req)) return 'admit';
      return hook(req, source, via);
    };
  }

  /** Responses matching no client transaction (stray 2xx retransmissions a proxy forwards, §16.7). */
  onResponse(handler: ResponseHandler): void {
    this.#onResponse = handler;
  }

  addresses(): Array<{ protocol: SipProtocol } & SipAddress> {
    return this.#transports
      .filter((t) => t.local.port !== 0)
      .map((t) => ({ protocol: t.protocol, address: t.local.address, port: t.local.port }));
  }

  /** The transport a message to `target` leaves from, or null when we have none for its protocol and family. */
  transportFor(target: SipTarget): SipTransport | null {
    if (target.local !== undefined) {
      const t = this.#byLocal.get(`${target.protocol}|${target.local.address}|${target.local.port}`);
      if (t !== undefined) return t;
    }
    const v6 = isIP(target.address) === 6;
    let fallback: SipTransport | null = null;
    for (const t of this.#transports) {
      if (t.protocol !== target.protocol) continue;
      if (t.local.port === 0 || (isIP(t.local.address) === 6) === v6) return t;
      fallback ??= t;
    }
    return fallback;
  }

  /**
   * `SIP/2.0/UDP host:port` for the transport that would carry a message to `target` (a proxy adds
   * `;branch=…`). A client-only TCP/TLS transport has no port of its own: its sent-by carries no port
   * (responses come back over the connection anyway, §18.2.2) and the host of a listener, the
   * advertised host, or 127.0.0.1 for a loopback target.
   */
  viaSentBy(target: SipTarget): string {
    const t = this.transportFor(target);
    const local = t?.local ?? { address: '', port: 0 };
    const port = t?.routePort ?? local.port;
    let host = this.#advertisedHost ?? local.address;
    if (host === '')
      host = this.#transports.find((x) => x.local.address !== '' && x.local.port !== 0)?.local.address ?? '';
    if (host === '' || host === '0.0.0.0') host = isIP(target.address) === 6 ? '::1' : '127.0.0.1';
    else if (host === '::') host = '::1';
    if (isIP(host) === 6) host = `[${host}]`;
    return `SIP/2.0/${target.protocol.toUpperCase()} ${host}${port === 0 ? '' : `:${port}`}`;
  }

  /**
   * Sends a request statefully: prepends our Via with a fresh branch (`z9hG4bK` + 96 random bits)
   * and `rport`, and starts a client transaction. Not for ACK (use `sendStateless`).
   */
  sendRequest(req: SipRequest, target: SipTarget, user: ClientTransactionUser = ignoringClientUser): ClientTransaction {
    const branch = generateBranch();
    prependHeader(req, 'via', `${this.viaSentBy(target)};branch=${branch};rport`);
    return this.transactions.sendRequest(req, branch, target, user);
  }

  /**
   * CANCELs a pending INVITE client transaction (§9.1): same Request-URI, Call-ID, From, To, CSeq
   * number and top Via (so the same branch) as the INVITE, and its Route set. Send it only after a
   * provisional response arrived (§9.1).
   */
  cancel(
    invite: InviteClientTransaction,
    extraHeaders: Array<{ name: string; value: string }> = [],
    user: ClientTransactionUser = ignoringClientUser,
  ): ClientTransaction {
    const req = invite.request;
    const headers = [
      { name: 'via', value: topViaRaw(req) ?? '' },
      { name: 'max-forwards', value: '70' },
    ];
    for (const name of ['from', 'to', 'call-id'] as const) headers.push({ name, value: getHeader(req, name) ?? '' });
    headers.push({ name: 'cseq', value: `${(getHeader(req, 'cseq') ?? '1').trim().split(/\s+/)[0]} CANCEL` });
    for (const h of req.headers) if (h.name === 'route') headers.push({ name: 'route', value: h.value });
    for (const h of extraHeaders) headers.push({ name: h.name.toLowerCase(), value: h.value });
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: req.uri,
      version: 'SIP/2.0',
      headers,
      body: Buffer.alloc(0),
    };
    const branch = topVia(req)?.branch ?? generateBranch();
    return this.transactions.sendRequest(cancel, branch, invite.target, user);
  }

  /** Sends a message as is, outside any transaction (ACK for 2xx, stateless forwarding). */
  sendStateless(msg: SipMessage, target: SipTarget): Promise<void> | void {
    return this.#send(serializeMessage(msg), target);
  }

  #sendQuietly(data: Buffer, target: SipTarget): void {
    try {
      const p = this.#send(data, target);
      if (p !== undefined) p.catch(() => undefined);
    } catch {
      // counted by the transport; a stateless answer has nobody to report to
    }
  }

  #send(data: Buffer, target: SipTarget, watcher?: ConnectionWatcher): Promise<void> | void {
    const t = this.transportFor(target);
    if (t === null) throw new Error(`no ${target.protocol} transport for ${target.address}`);
    return t.send(data, target, watcher);
  }

  #receive({ message, source }: InboundMessage): void {
    try {
      validateMessage(message);
    } catch (err) {
      // §8.1.1 mandatory headers missing: a request gets 400 when it has a Via to answer to.
      const answer = inboundParseError(err, source, this.counters);
      const v = answer === null ? null : topVia(message);
      if (answer !== null && v !== null) this.#sendQuietly(answer, responseTarget(v, source));
      return;
    }
    const via = topVia(message);
    if (message.kind === 'response') {
      if (this.transactions.receiveResponse(message, via)) return;
      this.counters.strayResponses++;
      this.#onResponse?.(message, source);
      return;
    }
    if (via === null) return; // nowhere to send a response to (§8.1.1.7: Via is mandatory)
    const unreachable = unreachableSentBy(message, via);
    if (unreachable !== null) {
      // Before any transaction or policy: it must cost no carrier attempt.
      if (message.method !== 'ACK') this.#sendQuietly(serializeMessage(unreachable), { ...source });
      return;
    }
    stampVia(message, via, source);
    const target = responseTarget(via, source);
    const dispatch = this.transactions.receiveRequest(message, via, source, target, this.#screen);
    if (dispatch.kind === 'new') {
      this.#dispatch(dispatch.transaction);
    } else if (dispatch.kind === 'screened') {
      if (dispatch.result !== 'drop') this.#sendQuietly(serializeMessage(dispatch.result), target);
    } else if (dispatch.kind === 'ack') {
      this.counters.strayResponses++;
      this.#onAck?.(message, source, dispatch.transaction);
    }
  }

  #dispatch(tx: ServerTransaction): void {
    const handler = this.#onRequest;
    if (handler === null) {
      tx.reply(503, 'Service Unavailable');
      return;
    }
    try {
      handler(tx);
    } catch (error) {
      // A core bug must not leave the peer retransmitting into a silent transaction.
      // The handler may have answered before it threw: the request is then released (null here).
      if (sipChannels.handlerError.hasSubscribers)
        sipChannels.handlerError.publish({ error, request: tx.holdsRequest ? tx.request : null });
      if (tx.lastStatus < 200 && !tx.terminated) tx.reply(500, 'Server Internal Error');
    }
    if (tx instanceof InviteServerTransaction) tx.startTrying();
  }

  async close(): Promise<void> {
    this.transactions.clear();
    await Promise.all(this.#transports.map((t) => t.close()));
  }
}

/**
 * A request whose top Via names sent-by port 0, which no response can be sent to (RFC 3261
 * §18.2.2; an unreadable sent-by or a port above 65535 already fails to parse and is dropped).
 * Proxying it would cost a downstream attempt for a caller that cannot hear the outcome, so it
 * gets `400` naming the fault (§8.2.6), sent back to the request's source address and port.
 */
function unreachableSentBy(req: SipRequest, via: Via | null): SipResponse | null {
  if (via === null || via.port !== 0) return null;
  return statelessResponse(req, via, 400, 'Bad Request (Via sent-by port 0 cannot be answered)');
}

/** Opens the listeners and returns a ready endpoint. */
export function createSipEndpoint(options: SipEndpointOptions): Promise<SipEndpoint> {
  return SipEndpoint.create(options);
}
