import type {
  ClientTransaction,
  ClientTransactionUser,
  InitialRequestHook,
  InviteClientTransaction,
  ServerTransaction,
  SipEndpoint,
  SipMessage,
  SipProtocol,
  SipRequest,
  SipSource,
  SipTarget,
} from '../sip/index.js';

export type GatewaySide = 'access' | 'carrier' | 'pstn-sim';

/** What one side hands the gateway: a new server transaction, or an ACK for a 2xx. */
export type PortEvent =
  | { kind: 'request'; tx: ServerTransaction }
  | { kind: 'ack'; request: SipRequest; source: SipSource };

/**
 * One side of the gateway (access, carrier, PSTN simulator): a SIP core endpoint with its own
 * sockets and transaction layer, so a request leaves from the side it belongs to and the Via and
 * Record-Route we write name the right listener. The narrow view the gateway uses (STYLE.md §9).
 */
export class SipPort {
  readonly listening: ReadonlyArray<{ protocol: SipProtocol; address: string; port: number }>;
  private readonly routePorts: Record<SipProtocol, number>;

  constructor(
    readonly side: GatewaySide,
    private readonly ep: SipEndpoint,
    /** Host written in Record-Route (see `advertisedHost`); the endpoint writes the same in Via. */
    readonly advertise: string,
  ) {
    this.listening = ep.addresses();
    // Fixed once the endpoint listens; read for every Record-Route, so worked out here.
    const route = (p: SipProtocol): number => ep.routePort(p) || this.portFor(p);
    this.routePorts = { udp: route('udp'), tcp: route('tcp'), tls: route('tls') };
  }

  get counters(): SipEndpoint['counters'] {
    return this.ep.counters;
  }

  /** Listening port for a protocol; for a protocol not served here, the first listener's. */
  portFor(protocol: SipProtocol): number {
    for (const l of this.listening) if (l.protocol === protocol) return l.port;
    return this.listening[0]?.port ?? 0;
  }

  /** Port our Record-Route names for a protocol: a steered UDP worker's own port, else `portFor`. */
  routePort(protocol: SipProtocol): number {
    return this.routePorts[protocol];
  }

  serves(protocol: SipProtocol): boolean {
    return this.listening.some((l) => l.protocol === protocol);
  }

  onEvent(handler: (event: PortEvent) => void): void {
    this.ep.onRequest((tx) => handler({ kind: 'request', tx }));
    this.ep.onAck((request, source) => handler({ kind: 'ack', request, source }));
  }

  /** Early admission of initial requests, before any transaction (see `SipEndpoint.onInitialRequest`). */
  onInitialRequest(hook: InitialRequestHook): void {
    this.ep.onInitialRequest(hook);
  }

  /** Prepends our Via (fresh branch) and starts a client transaction that reports to `user`. */
  sendRequest(req: SipRequest, target: SipTarget, user?: ClientTransactionUser): ClientTransaction {
    return this.ep.sendRequest(req, target, user);
  }

  cancel(invite: InviteClientTransaction): ClientTransaction {
    return this.ep.cancel(invite);
  }

  /** `SIP/2.0/UDP host:port` for a Via we write ourselves (stateless ACK forwarding). */
  viaSentBy(target: SipTarget): string {
    return this.ep.viaSentBy(target);
  }

  sendStateless(msg: SipMessage, target: SipTarget): void {
    const p = this.ep.sendStateless(msg, target);
    if (p !== undefined) p.catch(() => {});
  }

  close(): Promise<void> {
    return this.ep.close();
  }
}
