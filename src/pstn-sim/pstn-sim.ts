import {
  createSipEndpoint,
  formatHost,
  getHeader,
  hasToTag,
  InviteServerTransaction,
  type ServerTransaction,
  type SipEndpoint,
  type SipProtocol,
  type SipRequest,
  type SipTarget,
  type TlsOptions,
} from '../sip/index.js';
import { CallMediaTable, type CallMediaReport } from './call-media-table.js';
import { formatMediaReport } from './format-media-report.js';
import { readMediaOffer, type MediaOffer } from './media-offer.js';
import { behaviourFor, type Behaviour } from './number-behaviour.js';
import { placeCall, type PlacedCall } from './place-call.js';
import { RtpSession } from './rtp-session.js';
import { sdpAnswer, sdpOffer } from './sdp-answer.js';
import { unacknowledgedBye } from './unacknowledged-bye.js';

export type { PlacedCall } from './place-call.js';
export type { CallMediaReport } from './call-media-table.js';

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
  /** Hears one line per call with media when it ends (what was sent and received). */
  log?: (line: string) => void;
}

/** How long +15005550110 plays early media before answering. */
const EARLY_MEDIA_MS = 1000;

/**
 * The built-in PSTN simulator: a small SIP UA on the SIP core. As the carrier it answers INVITEs
 * (180, then 200 with an SDP answer) and streams a prompt as RTP on a socket of its own per call,
 * counting what comes back; it handles ACK, BYE and CANCEL, and rejects the documented special
 * numbers. It also places calls to the gateway's carrier side (origination tests, and a user's
 * first inbound call), with audio both ways too.
 */
export class PstnSim {
  /** The last INVITEs received (at most 100), for tests that check what the gateway sent. */
  readonly received: SipRequest[] = [];
  answered = 0;
  byes = 0;
  /** Answered calls hung up because their ACK never came (RFC 3261 §13.3.1.4). */
  unacknowledged = 0;
  private sdpId = 1000;
  private readonly media = new CallMediaTable();
  private readonly family: 'IP4' | 'IP6';

  private constructor(
    readonly endpoint: SipEndpoint,
    private readonly host: string,
    private readonly o: PstnSimOptions,
  ) {
    this.family = host.includes(':') ? 'IP6' : 'IP4';
    endpoint.onRequest((tx) => this.onRequest(tx));
    const log = o.log;
    if (log !== undefined) this.media.onEnd((r) => log(formatMediaReport(r)));
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
    return `sip:${formatHost(this.host)}:${this.listener()}`;
  }

  /** What audio a call had (live while it is up, final once ended); null for a call without media. */
  mediaReport(callId: string): CallMediaReport | null {
    return this.media.report(callId);
  }

  /** Hears the final media report of every call as it ends. */
  onCallEnd(fn: (r: CallMediaReport) => void): void {
    this.media.onEnd(fn);
  }

  /** RTP sockets open now: one per call up with media, 0 once every call has ended. */
  get openMediaSockets(): number {
    return this.media.openSockets;
  }

  private listener(): string {
    const a = this.addresses()[0];
    return `${a?.port ?? 0}${a !== undefined && a.protocol !== 'udp' ? `;transport=${a.protocol}` : ''}`;
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
    if (req.method === 'BYE') {
      this.byes++;
      this.media.end(getHeader(req, 'call-id') ?? '', 'bye');
    }
    tx.reply(200, 'OK');
  }

  private onInvite(tx: InviteServerTransaction): void {
    const req = tx.request;
    if (this.received.length >= 100) this.received.shift();
    this.received.push(req);
    // A UAS re-sends its 2xx until the ACK arrives (RFC 3261 §13.3.1.4): over UDP a lost 200 or
    // ACK must not leave the caller waiting. The SIP core does the retransmitting.
    tx.retransmit2xx = true;
    if (hasToTag(req)) return this.onReInvite(tx);
    const user = /^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? null;
    const b = behaviourFor(user);
    const callId = getHeader(req, 'call-id') ?? '';
    tx.user = {
      cancel: () => {
        tx.reply(487, 'Request Terminated');
        this.media.end(callId, 'cancel');
      },
      transportError: () => {},
    };
    if (b.kind === 'reject') {
      if (b.ringFirst) tx.reply(180, 'Ringing');
      tx.reply(b.status, b.reason);
      return;
    }
    // The offer is checked before ringing, and before any socket is opened for it.
    let offer: MediaOffer | null = null;
    if (b.kind === 'answer' && req.body.length > 0) {
      const type = getHeader(req, 'content-type');
      if (type !== null && !/^application\/sdp\s*(;|$)/i.test(type.trim())) {
        tx.reply(415, 'Unsupported Media Type', { headers: [{ name: 'accept', value: 'application/sdp' }] });
        return;
      }
      const r = readMediaOffer(req.body, this.family);
      if (!r.ok) {
        tx.reply(r.status, r.reason, { headers: [{ name: 'warning', value: r.warning }] });
        return;
      }
      offer = r;
    }
    if (!(b.kind === 'answer' && b.earlyMedia && offer !== null)) tx.reply(180, 'Ringing');
    if (b.kind === 'ring') return;
    this.answer(tx, b, offer, callId, user).catch(() => {
      this.media.end(callId, 'error');
      if (tx.state === 'proceeding') tx.reply(500, 'Server Internal Error');
    });
  }

  private async answer(
    tx: InviteServerTransaction,
    b: Extract<Behaviour, { kind: 'answer' }>,
    offer: MediaOffer | null,
    callId: string,
    number: string | null,
  ): Promise<void> {
    const bye = unacknowledgedBye(tx); // built now: the transaction lets go of the INVITE with the 2xx
    const session = await RtpSession.open(this.host, b.media);
    if (tx.state !== 'proceeding') {
      session.close(); // cancelled while the socket was being bound
      return;
    }
    const sdpId = this.sdpId++;
    this.media.add(callId, session, { number, role: 'answered', sdpId });
    const sdp = { host: this.host, port: session.port, sessionId: sdpId };
    // No offer in the INVITE: ours goes in the 200 and the answer comes in the ACK (RFC 3261 §13.2.1).
    const body = offer !== null ? sdpAnswer(offer, sdp) : sdpOffer(sdp);
    const start = (o: MediaOffer): void => {
      session.start(o.codec, o.remote);
      session.setPaused(o.direction === 'sendonly' || o.direction === 'inactive');
    };
    let delay = this.o.answerDelayMs ?? 0;
    if (b.earlyMedia && offer !== null) {
      tx.reply(183, 'Session Progress', { body, contentType: 'application/sdp' }); // RFC 3960 early media
      start(offer);
      delay = Math.max(delay, EARLY_MEDIA_MS);
    }
    if (delay > 0) await new Promise((r) => setTimeout(r, delay).unref());
    if (tx.state !== 'proceeding') return; // cancelled: the CANCEL ended the media
    this.answered++;
    tx.once('timeout', (timer: string) => {
      if (timer !== 'L' || bye === null) return;
      this.unacknowledged++;
      this.endpoint.sendRequest(bye.request, bye.target);
      this.media.end(callId, 'no-ack');
    });
    if (offer === null)
      tx.once('ack', (ack: SipRequest) => {
        const a = readMediaOffer(ack.body, this.family);
        if (a.ok) start(a);
      });
    tx.reply(200, 'OK', {
      headers: [{ name: 'contact', value: `<sip:pstn@${formatHost(this.host)}:${this.listener()}>` }],
      body,
      contentType: 'application/sdp',
    });
    if (offer !== null) start(offer);
  }

  /**
   * A re-INVITE (RFC 3261 §14.2) on a call with media: a new offer moves or holds the stream
   * (RFC 3264 §8) and is answered from the same socket with the SDP version increased; one we
   * cannot take gets 488 and leaves the session as it was. Without an offer, or for a call we do not
   * know, a plain 200.
   */
  private onReInvite(tx: InviteServerTransaction): void {
    const req = tx.request;
    const live = this.media.get(getHeader(req, 'call-id') ?? '');
    if (live === undefined || req.body.length === 0) {
      tx.reply(200, 'OK');
      return;
    }
    const offer = readMediaOffer(req.body, this.family);
    if (!offer.ok) {
      tx.reply(488, 'Not Acceptable Here', { headers: [{ name: 'warning', value: offer.warning }] });
      return;
    }
    live.sdpVersion++;
    live.session.setRemote(offer.remote);
    live.session.setPaused(offer.direction === 'sendonly' || offer.direction === 'inactive' || offer.remote === null);
    const port = live.session.port;
    const body = sdpAnswer(offer, { host: this.host, port, sessionId: live.sdpId, version: live.sdpVersion });
    tx.reply(200, 'OK', {
      headers: [{ name: 'contact', value: `<sip:pstn@${formatHost(this.host)}:${this.listener()}>` }],
      body,
      contentType: 'application/sdp',
    });
  }

  /**
   * Places a call to `number` through `target` (the gateway's carrier side), holds it `holdMs`
   * when answered, then hangs up. Resolves with the final status, the BYE's status and the media.
   */
  call(number: string, target: SipTarget, holdMs = 0, midCall: string[] = []): Promise<PlacedCall> {
    const ctx = {
      endpoint: this.endpoint,
      host: this.host,
      callerId: this.o.callerId ?? '+14155550100',
      media: this.media,
      nextSdpId: () => this.sdpId++,
    };
    return placeCall(ctx, number, target, holdMs, midCall);
  }

  async close(): Promise<void> {
    this.media.endAll('close');
    await this.endpoint.close();
  }
}
