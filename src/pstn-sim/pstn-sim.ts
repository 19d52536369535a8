import {
  createSipEndpoint,
  generateBranch,
  getHeader,
  getHeaderValues,
  hasToTag,
  InviteServerTransaction,
  parseNameAddr,
  randomToken,
  targetOfUriString,
  type ServerTransaction,
  type SipEndpoint,
  type SipHeader,
  type SipProtocol,
  type SipRequest,
  type SipResponse,
  type SipTarget,
  type TlsOptions,
} from '../sip/index.js';
import { behaviourFor } from './number-behaviour.js';
import { sdpAnswer, sdpOffer } from './sdp-answer.js';

export interface PstnSimOptions {
  host?: string;
  port?: number;
  protocols?: SipProtocol[];
  tls?: TlsOptions;
  /** Delay between 180 and 200 (ms); default 0 so tests and benches run fast. */
  answerDelayMs?: number;
  /** Caller ID the simulator uses when it places calls. */
  callerId?: string;
  /** T1 of its transactions (ms, default 500): an answered call with no ACK is hung up after 64 × T1. */
  t1?: number;
}

export interface PlacedCall {
  status: number;
  reason: string;
  /** Final status of each mid-call request asked for with `midCall`, in order. */
  midCall: number[];
  /** Status of the BYE the simulator sent after holding the call (null when not answered). */
  byeStatus: number | null;
}

/**
 * The built-in PSTN simulator: a small SIP UA on the SIP core. As the carrier it answers INVITEs
 * (180, then 200 with an SDP answer), handles ACK, BYE and CANCEL, and rejects the documented
 * special numbers. It also places calls to the gateway's carrier side (origination tests, and a
 * user's first inbound call).
 */
export class PstnSim {
  /** The last INVITEs received (at most 100), for tests that check what the gateway sent. */
  readonly received: SipRequest[] = [];
  answered = 0;
  byes = 0;
  /** Answered calls hung up because their ACK never came (RFC 3261 §13.3.1.4). */
  unacknowledged = 0;
  private session = 1000;

  private constructor(
    readonly endpoint: SipEndpoint,
    private readonly host: string,
    private readonly o: PstnSimOptions,
  ) {
    endpoint.onRequest((tx) => this.onRequest(tx));
  }

  static async start(o: PstnSimOptions = {}): Promise<PstnSim> {
    const host = o.host ?? '127.0.0.1';
    const ep = await createSipEndpoint({
      listen: (o.protocols ?? ['udp']).map((protocol) => ({ protocol, host, port: o.port ?? 0 })),
      ...(o.tls !== undefined ? { tls: o.tls } : {}),
      clientProtocols: ['tcp'],
      timers: { tryingDelay: 0, ...(o.t1 !== undefined ? { t1: o.t1 } : {}) },
    });
    return new PstnSim(ep, host, o);
  }

  addresses(): Array<{ protocol: SipProtocol; address: string; port: number }> {
    return this.endpoint.addresses();
  }

  /** `sip:host:port` of the first listener (the carrier URI when embedded). */
  get uri(): string {
    const a = this.addresses()[0];
    return (
      `sip:${this.host}:${a?.port ?? 0}` +
      `${a !== undefined && a.protocol !== 'udp' ? `;transport=${a.protocol}` : ''}`
    );
  }

  private onRequest(tx: ServerTransaction): void {
    const req = tx.request;
    // A UAS that does not implement an extension the request requires answers 420 (RFC 3261 §8.2.2.3).
    const required = req.headers
      .filter((h) => h.name === 'require')
      .flatMap((h) =>
        h.value
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== ''),
      );
    if (required.length > 0) {
      tx.reply(420, 'Bad Extension', { headers: [{ name: 'unsupported', value: required.join(', ') }] });
      return;
    }
    if (req.method === 'INVITE' && tx instanceof InviteServerTransaction) return this.onInvite(tx);
    if (req.method === 'BYE') this.byes++;
    tx.reply(200, 'OK');
  }

  private onInvite(tx: InviteServerTransaction): void {
    const req = tx.request;
    if (this.received.length >= 100) this.received.shift();
    this.received.push(req);
    // A UAS re-sends its 2xx until the ACK arrives (RFC 3261 §13.3.1.4): over UDP a lost 200 or
    // ACK must not leave the caller waiting. The SIP core does the retransmitting.
    tx.retransmit2xx = true;
    if (hasToTag(req)) {
      tx.reply(200, 'OK'); // re-INVITE: accept, no new media
      return;
    }
    const user = /^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? null;
    const b = behaviourFor(user);
    tx.user = { cancel: () => tx.reply(487, 'Request Terminated'), transportError: () => {} };
    if (b.kind === 'reject') {
      if (b.ringFirst) tx.reply(180, 'Ringing');
      tx.reply(b.status, b.reason);
      return;
    }
    tx.reply(180, 'Ringing');
    if (b.kind === 'ring') return;
    const answer = sdpAnswer(req.body, this.host, this.session++);
    const send = (): void => {
      if (tx.state !== 'proceeding') return;
      if (answer === null && req.body.length > 0) {
        tx.reply(488, 'Not Acceptable Here');
        return;
      }
      const body = answer ?? sdpOffer(this.host, this.session++);
      const a = this.endpoint.addresses()[0];
      this.answered++;
      // Captured now: the transaction lets go of the INVITE once the 2xx is sent.
      const bye = this.byeForUnacknowledged(tx);
      tx.once('timeout', (timer: string) => {
        if (timer !== 'L' || bye === null) return;
        this.unacknowledged++;
        this.endpoint.sendRequest(bye.request, bye.target);
      });
      tx.reply(200, 'OK', {
        headers: [
          {
            name: 'contact',
            value:
              `<sip:pstn@${this.host}:${a?.port ?? 0}` +
              `${a !== undefined && a.protocol !== 'udp' ? `;transport=${a.protocol}` : ''}>`,
          },
        ],
        body,
        contentType: 'application/sdp',
      });
    };
    const delay = this.o.answerDelayMs ?? 0;
    if (delay > 0) setTimeout(send, delay).unref();
    else send();
  }

  /**
   * The BYE a UAS sends when its 2xx was never ACKed within 64 × T1: "the dialog is confirmed, but
   * the session SHOULD be terminated" (RFC 3261 §13.3.1.4). Its dialog as the UAS sees it (§12.1.1):
   * the route set is the INVITE's Record-Route in order, the remote target its Contact, our tag the
   * To tag of the 2xx. Null when the INVITE lacks what that needs.
   */
  private byeForUnacknowledged(tx: InviteServerTransaction): { request: SipRequest; target: SipTarget } | null {
    const req = tx.request;
    const [from, to, callId, contact, tag] = [
      getHeader(req, 'from'),
      getHeader(req, 'to'),
      getHeader(req, 'call-id'),
      getHeader(req, 'contact'),
      tx.toTag,
    ];
    if (from === null || to === null || callId === null || contact === null || tag === null) return null;
    const routes = getHeaderValues(req, 'record-route');
    let remote: string;
    try {
      remote = parseNameAddr(contact).uri;
    } catch {
      return null;
    }
    const first = routes[0] !== undefined ? parseNameAddr(routes[0]).uri : remote;
    const target = targetOfUriString(first);
    if (target === null) return null;
    const headers: SipHeader[] = [
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: `${to};tag=${tag}` },
      { name: 'to', value: from },
      { name: 'call-id', value: callId },
      { name: 'cseq', value: '1 BYE' },
      ...routes.map((r) => ({ name: 'route', value: r })),
    ];
    return {
      request: { kind: 'request', method: 'BYE', uri: remote, version: 'SIP/2.0', headers, body: Buffer.alloc(0) },
      target,
    };
  }

  /**
   * Places a call to `number` through `target` (the gateway's carrier side), holds it `holdMs`
   * when answered, then hangs up. Resolves with the final status and the BYE's status.
   */
  async call(number: string, target: SipTarget, holdMs = 0, midCall: string[] = []): Promise<PlacedCall> {
    const a = this.endpoint.addresses().find((x) => x.protocol === target.protocol) ?? this.endpoint.addresses()[0];
    const local = `${this.host}:${a?.port ?? 0}`;
    const callId = `${randomToken()}@pstn-sim`;
    const fromTag = randomToken();
    const caller = this.o.callerId ?? '+14155550100';
    const ruri =
      `sip:${number}@${target.address}:${target.port}` +
      `${target.protocol === 'udp' ? '' : `;transport=${target.protocol}`}`;
    const invite: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: ruri,
      version: 'SIP/2.0',
      headers: [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${caller}@${this.host}>;tag=${fromTag}` },
        { name: 'to', value: `<sip:${number}@${target.address}>` },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: '1 INVITE' },
        { name: 'contact', value: `<sip:pstn@${local}>` },
        { name: 'content-type', value: 'application/sdp' },
      ],
      body: sdpOffer(this.host, this.session++),
    };
    const final = await new Promise<SipResponse | { status: number; reason: string }>((resolve) => {
      this.endpoint.sendRequest(invite, target, {
        provisional: () => {},
        final: (res: SipResponse, retransmission: boolean) => {
          if (retransmission) return; // our ACK below is re-sent only once; good enough for a simulator
          resolve(res);
        },
        timeout: () => resolve({ status: 408, reason: 'Request Timeout' }),
        transportError: () => resolve({ status: 503, reason: 'Service Unavailable (transport error)' }),
      });
    });
    if (!('headers' in final) || final.status >= 300)
      return { status: final.status, reason: final.reason, byeStatus: null, midCall: [] };

    // §12.1.2: route set = Record-Route reversed, remote target = Contact, To tag from the 2xx.
    const rr = getHeaderValues(final, 'record-route').reverse();
    const contact = getHeader(final, 'contact');
    const remote = contact !== null ? parseNameAddr(contact).uri : ruri;
    const to = getHeader(final, 'to') ?? '';
    const first = rr[0] !== undefined ? parseNameAddr(rr[0]).uri : remote;
    const hop = targetOfUriString(first) ?? target;
    const inDialog = (method: string, seq: number): SipRequest => {
      const headers: SipHeader[] = [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${caller}@${this.host}>;tag=${fromTag}` },
        { name: 'to', value: to },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${seq} ${method}` },
      ];
      for (const r of rr) headers.push({ name: 'route', value: r });
      return { kind: 'request', method, uri: remote, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    };
    const ack = inDialog('ACK', 1);
    ack.headers.unshift({ name: 'via', value: `${this.endpoint.viaSentBy(hop)};branch=${generateBranch()}` });
    await this.endpoint.sendStateless(ack, hop);
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    const send = (req: SipRequest): Promise<number> =>
      new Promise<number>((resolve) => {
        this.endpoint.sendRequest(req, hop, {
          provisional: () => {},
          final: (res: SipResponse) => resolve(res.status),
          timeout: () => resolve(408),
          transportError: () => resolve(503),
        });
      });
    // Mid-call requests (re-INVITE with a new offer, UPDATE, INFO) follow the same route set.
    let seq = 2;
    const mid: number[] = [];
    for (const method of midCall) {
      const req = inDialog(method, seq);
      if (method === 'INVITE' || method === 'UPDATE') {
        req.headers.push(
          { name: 'contact', value: `<sip:pstn@${local}>` },
          { name: 'content-type', value: 'application/sdp' },
        );
        req.body = sdpOffer(this.host, this.session++);
      }
      const status = await send(req);
      mid.push(status);
      if (method === 'INVITE' && status >= 200 && status < 300) {
        const reAck = inDialog('ACK', seq);
        reAck.headers.unshift({ name: 'via', value: `${this.endpoint.viaSentBy(hop)};branch=${generateBranch()}` });
        await this.endpoint.sendStateless(reAck, hop);
      }
      seq++;
    }
    const byeStatus = await send(inDialog('BYE', seq));
    return { status: final.status, reason: final.reason, byeStatus, midCall: mid };
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }
}
