import {
  ignoringServerUser,
  type ClientTransactionUser,
  type InviteClientTransaction,
  type InviteServerTransaction,
  type InviteServerTransactionUser,
  type SipRequest,
  type SipResponse,
} from '../sip/index.js';
import type { CallCause } from './call-cause.js';
import type { CallState } from './call-record.js';
import { answeredDialog } from './answered-dialog.js';
import { closeCall } from './close-call.js';
import { endUnwantedAnswer } from './end-unwanted-answer.js';
import { ParallelFork } from './parallel-fork.js';
import type { ProxyDeps } from './proxy-deps.js';
import { offerThroughMedia, readableOffer, relayAnswerSdp } from './relay-media.js';
import type { SipPort } from './sip-port.js';
import { stripTopVia } from './sip-routing.js';
import { shiftCSeq } from './cseq-offset.js';
import type { AttemptOutcome, ProxyTarget, TargetSet } from './target-set.js';

/** How long a downstream that got our CANCEL may take to answer it before the caller gets its 487 from us (8·T1). */
const CANCEL_ANSWER_MS = 4000;

export interface RelayOptions {
  /** Where to send the INVITE, and what to answer when every target failed. */
  targets: TargetSet;
  /** The copy of the INVITE for one target (RFC 3261 §16.6). */
  build(target: ProxyTarget): SipRequest;
  /** The side the caller is on (to send it a BYE of our own). */
  callerPort?: SipPort;
}

/**
 * Stateful forwarding of one initial INVITE (RFC 3261 §16): one client transaction at a time,
 * the next target chosen by `options.targets` after each failed attempt; provisional and final
 * responses relayed upstream without our Via; a CANCEL from the caller turned into a CANCEL
 * downstream (held until the branch sends a provisional, §9.1) and a 487 upstream.
 */
export function proxyInvite(
  deps: ProxyDeps,
  server: InviteServerTransaction,
  out: SipPort,
  call: CallState,
  options: RelayOptions,
): void {
  new InviteRelay(deps, server, out, call, options).start();
}

/** The owner of the caller's INVITE server transaction for one call. */
export class InviteRelay implements InviteServerTransactionUser {
  /** The attempt whose responses decide the call; null between attempts and once decided. */
  branch: Branch | null = null;
  /** The last non-2xx final received, for the verdict "relay the best response". */
  lastFinal: SipResponse | null = null;
  /** The caller has its final response (or the call was answered). */
  done = false;
  /** The INVITE's SDP as rtpengine rewrote it, sent to every target (null: no anchoring or no offer). */
  offerSdp: string | null = null;
  /** The carrier rules `offerSdp` was made for: another carrier's are offered again (relay-media.ts). */
  offeredFor: string | null = null;
  /** Upstream relays of responses wait their turn here, so an answer rewritten by rtpengine keeps its order. */
  upstream: Promise<void> = Promise.resolve();

  constructor(
    readonly deps: ProxyDeps,
    readonly server: InviteServerTransaction,
    readonly out: SipPort,
    readonly call: CallState,
    readonly options: RelayOptions,
  ) {}

  start(): void {
    this.deps.metrics.callStarted(this.call.direction);
    this.deps.events?.initiated(this.call);
    this.server.user = this;
    if (readableOffer(this)) this.next();
  }

  next(): void {
    if (this.done) return;
    if (this.server.cancelled) {
      // The cancelled branch died (timeout, transport error) without a final: answer for it.
      this.answer(487, 'Request Terminated', 'cancelled');
      return;
    }
    const target = this.options.targets.next();
    if (target === undefined) return this.exhausted();
    if (this.call.media) offerThroughMedia(this, target);
    else this.send(target);
  }

  /** Sends the INVITE to `target` (with the offer rtpengine made for it, on an anchored call). */
  send(target: ProxyTarget): void {
    if (this.done) return;
    if (this.server.cancelled) return this.answer(487, 'Request Terminated', 'cancelled');
    const withOffer = (r: SipRequest): SipRequest =>
      this.offerSdp === null ? r : { ...r, body: Buffer.from(this.offerSdp, 'utf8') };
    const b = new Branch(this, target);
    this.branch = b;
    this.call.destination = target.label;
    try {
      if (target.fork !== undefined) {
        // Registered contacts rung at once: one attempt to this relay (parallel-fork.ts).
        const fork = new ParallelFork(this.out, this.deps.signer, b);
        fork.start(target.fork.map((t) => ({ target: t, request: withOffer(this.options.build(t)) })));
        b.tx = fork;
      } else {
        const request = withOffer(this.options.build(target));
        b.tx = this.out.sendRequest(request, target.target, b) as InviteClientTransaction;
      }
    } catch {
      this.branch = null;
      return this.failed('transport', 0);
    }
    b.arm(this.deps.timers.targetTimeoutMs, TimerKind.Attempt);
  }

  /** An attempt ended without an answer: the target set says whether another is worth trying. */
  failed(outcome: AttemptOutcome, status: number): void {
    if (this.options.targets.failed(outcome, status)) this.next();
    else this.exhausted();
  }

  exhausted(): void {
    this.branch = null;
    if (this.done) return;
    if (this.server.cancelled) return this.answer(487, 'Request Terminated', 'cancelled');
    const v = this.options.targets.verdict();
    if (!v.relay) this.answer(v.code, v.reason, v.cause);
    else if (this.lastFinal !== null) this.relayFinal(this.lastFinal, v.cause);
    else this.answer(500, 'Server Internal Error', v.cause);
  }

  relayFinal(res: SipResponse, cause: CallCause): void {
    if (res.status === 503) {
      // RFC 3261 §16.7 step 6: a 503 upstream would say this proxy is unavailable (and callers back
      // off from it); what we know is that the next hop was, so the caller gets a 500.
      this.answer(500, 'Server Internal Error (next hop unavailable)', cause);
      return;
    }
    this.server.respond(stripTopVia(res));
    this.finish(res.status, cause);
  }

  answer(code: number, reason: string, cause: CallCause): void {
    this.server.reply(code, reason);
    this.finish(code, cause);
  }

  finish(code: number, cause: CallCause): void {
    if (this.done) return;
    this.done = true;
    this.server.user = ignoringServerUser;
    this.deps.metrics.callEnded(this.call.direction);
    this.call.release?.();
    closeCall(this.deps, this.call, code, cause);
  }

  /** The live branch answered 2xx: relay it and hand the transaction over for its retransmissions. */
  answered(b: Branch, res: SipResponse): void {
    b.disarm();
    this.branch = null;
    this.done = true;
    this.server.user = ignoringServerUser;
    if (this.call.media && this.server.holdsRequest && this.options.callerPort !== undefined) {
      // Kept only for anchored calls: the media timeout hangs them up with a BYE each way.
      this.call.dialog = answeredDialog(
        this.server.request,
        res,
        { caller: this.options.callerPort, callee: this.out },
        { caller: this.call.source, callee: b.target.target },
      );
    }
    this.server.respond(b.up(res));
    b.tx.user = new AnsweredCall(this.server, b.target.cseqOffset ?? 0, res.body);
    const call = this.call;
    call.answeredAt = Date.now();
    this.deps.events?.answered(call, res.status);
    this.deps.dialogs.add(call);
  }

  /** @see RFC 3261 §16.10: the caller CANCELled. */
  cancel(): void {
    const b = this.branch;
    if (b?.heard) {
      // A provisional came: CANCEL the branch now; its 487 (or a crossing 2xx, which we end
      // ourselves) decides, but a downstream that never answers the CANCEL must not keep the caller waiting.
      b.disarm();
      b.sendCancel();
      b.arm(CANCEL_ANSWER_MS, TimerKind.CancelAnswer);
      return;
    }
    // No provisional yet: §9.1 forbids a CANCEL before one. The branch keeps running, CANCELs as
    // soon as it rings, ends a 2xx itself, or dies by its Timer B; the caller is answered now.
    if (b !== null) b.abandon();
    this.branch = null;
    this.answer(487, 'Request Terminated', 'cancelled');
  }

  /** @see RFC 3261 §17.2.4: the caller cannot be reached any more. */
  transportError(): void {
    const b = this.branch;
    if (b !== null) {
      if (b.heard) {
        b.disarm();
        b.sendCancel();
      } else b.abandon();
    }
    this.branch = null;
    this.finish(500, 'rejected');
  }
}

const TimerKind = { Attempt: 0, CancelAnswer: 1 } as const;
type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

function fire(b: Branch): void {
  b.onTimer();
}

/**
 * One attempt: the owner of one INVITE client transaction. While it is the relay's live branch
 * its responses decide the call; once abandoned (caller gone, target timed out) it only makes
 * sure the downstream does not stay in a call: a pending CANCEL goes out with the first
 * provisional, a 2xx is ACKed and ended with a BYE.
 */
export class Branch implements ClientTransactionUser {
  tx!: InviteClientTransaction | ParallelFork;
  /** A provisional response arrived (so a CANCEL may be sent, §9.1). */
  heard = false;
  cancelSent = false;
  /** Abandoned before any provisional: CANCEL as soon as one arrives. */
  cancelPending = false;
  /** A 2xx came and its SDP is with rtpengine: the call is decided when the answer returns. */
  answering = false;
  #timer: NodeJS.Timeout | null = null;
  #timerKind: TimerKind = TimerKind.Attempt;

  constructor(
    readonly relay: InviteRelay,
    readonly target: ProxyTarget,
  ) {}

  get live(): boolean {
    return this.relay.branch === this;
  }

  /** A response as the caller gets it: our Via off, the CSeq back to the caller's (see cseq-offset.ts). */
  up(res: SipResponse): SipResponse {
    return shiftCSeq(stripTopVia(res), -(this.target.cseqOffset ?? 0));
  }

  arm(ms: number, kind: TimerKind): void {
    this.disarm();
    this.#timerKind = kind;
    this.#timer = setTimeout(fire, ms, this);
    // Supervision of a call, not work of its own: a gateway closed while a branch rings (Timer C,
    // RFC 3261 §16.8: minutes) must not keep its process alive until the timer fires.
    this.#timer.unref();
  }

  disarm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** No longer the relay's branch: left to its transaction's timers, cancelled when it can be. */
  abandon(): void {
    this.disarm();
    if (this.heard) this.sendCancel();
    else this.cancelPending = true;
  }

  sendCancel(): void {
    if (this.cancelSent) return;
    this.cancelSent = true;
    try {
      if (this.tx instanceof ParallelFork) this.tx.cancel();
      else this.relay.out.cancel(this.tx); // §9.1: same branch, Call-ID, From, To, CSeq number, Route
    } catch {
      /* the INVITE transaction times out on its own */
    }
  }

  onTimer(): void {
    this.#timer = null;
    const relay = this.relay;
    if (!this.live || relay.done) return;
    if (this.#timerKind === TimerKind.CancelAnswer) {
      // The downstream never answered our CANCEL; a late 2xx is ended by us (not live any more).
      relay.branch = null;
      relay.answer(487, 'Request Terminated', 'cancelled');
    } else if (!this.heard) {
      // Nothing heard: move on. The branch is not terminated — should it ring or answer later, it is
      // cancelled or hung up rather than left ringing or billing for nobody (§16.8: as if a 408).
      relay.branch = null;
      this.abandon();
      relay.failed('timeout', 0);
    } else {
      this.sendCancel(); // rang too long (§16.8 Timer C); the caller did not hang up
    }
  }

  provisional(res: SipResponse): void {
    if (!this.live) {
      if (this.cancelPending) this.sendCancel();
      return;
    }
    if (!this.heard) {
      this.heard = true;
      this.arm(this.relay.deps.timers.ringTimeoutMs, TimerKind.Attempt);
    }
    // §16.7 step 5: a 100 is hop by hop and never forwarded.
    if (res.status <= 100) return;
    this.relay.deps.events?.ringing(this.relay.call, res.status);
    if (this.relay.call.media) {
      relayAnswerSdp(this, res);
      return;
    }
    if (!this.relay.server.cancelled) this.relay.server.respond(this.up(res));
  }

  final(res: SipResponse, retransmission: boolean): void {
    const relay = this.relay;
    if (res.status >= 200 && res.status < 300) {
      if (this.answering) return; // its answer is with rtpengine; a retransmission adds nothing
      if (this.live && !relay.done && !relay.server.cancelled) {
        if (relay.call.media) return relayAnswerSdp(this, res);
        return relay.answered(this, res);
      }
      // A 2xx nobody wants any more: the caller CANCELled (before or across it) or already has
      // its final. We are its UAC now (§16.10): ACK it and hang up.
      endUnwantedAnswer(res, relay.out, relay.deps.signer, this.target.target, retransmission);
      if (this.live) {
        this.disarm();
        relay.branch = null;
        relay.answer(487, 'Request Terminated', 'cancelled');
      }
      return;
    }
    if (!this.live) return; // the transaction ACKs it (§17.1.1.3); nothing else to do
    this.disarm();
    relay.branch = null;
    if (relay.server.cancelled) {
      // The downstream answer to our CANCEL (normally 487) is the caller's final (§16.7).
      relay.relayFinal(shiftCSeq(res, -(this.target.cseqOffset ?? 0)), 'cancelled');
      return;
    }
    relay.lastFinal = shiftCSeq(res, -(this.target.cseqOffset ?? 0));
    if (relay.options.targets.failed('final', res.status, res)) return relay.next();
    if (this.cancelSent) {
      // We cancelled it (ring timeout, §16.8 Timer C): the caller did not hang up, so no 487 for it.
      relay.answer(480, 'Temporarily Unavailable (no answer)', 'no_answer');
      return;
    }
    relay.exhausted();
  }

  timeout(): void {
    if (!this.live) return;
    this.disarm();
    this.relay.branch = null;
    this.relay.failed('timeout', 0);
  }

  transportError(): void {
    if (!this.live) return;
    this.disarm();
    this.relay.branch = null;
    this.relay.failed('transport', 0);
  }
}

/**
 * The owner of an answered INVITE's client transaction: in Accepted (RFC 6026 §8.4, Timer M, 32 s)
 * it only passes 2xx retransmissions up, and the server transaction relays them. It holds nothing
 * but the server transaction, so the targets, built requests and relay state are released at once.
 */
class AnsweredCall implements ClientTransactionUser {
  constructor(
    private readonly server: InviteServerTransaction,
    private readonly cseqOffset: number,
    /** The body relayed with the first 2xx (rtpengine's SDP when anchored): retransmissions carry the same. */
    private readonly body: Buffer,
  ) {}

  provisional(): void {}

  final(res: SipResponse): void {
    if (res.status >= 200 && res.status < 300)
      this.server.respond({ ...shiftCSeq(stripTopVia(res), -this.cseqOffset), body: this.body });
  }

  timeout(): void {}

  transportError(): void {}
}
