import type { BValue } from './bencode.js';
import { hasStats, legFacts, tagsOf, type MediaFacts } from './media-facts.js';
import { NgError, type NgDict } from './ng-client.js';
import { addFlags, incomingFlags, outgoingFlags, type LegPolicy, type MediaSide } from './ng-offer-flags.js';
import type { PoolEngine, RtpenginePool } from './rtpengine-pool.js';

/** What a MediaCall needs from the anchor that made it. */
export interface MediaCallOwner {
  readonly pool: RtpenginePool;
  opened(call: MediaCall): void;
  closed(call: MediaCall, facts: MediaFacts | null): void;
  failed(err: unknown): void;
}

/**
 * One call's session on rtpengine (RFC 3264 offer/answer, relayed through the engine): every
 * offer and answer of the dialog — the INVITE's, 18x/2xx answers, re-INVITE and UPDATE — goes
 * through it, one at a time and in order, and `end` reads its stats and deletes it exactly once.
 */
export class MediaCall {
  engine: PoolEngine | null = null;
  #ended = false;
  #chain: Promise<unknown> = Promise.resolve();
  #ending: Promise<MediaFacts | null> | null = null;
  /** The From tag of the command that opened the session on the engine. */
  #openerTag: string | null = null;

  constructor(
    readonly owner: MediaCallOwner,
    readonly callId: string,
    /** From tag of the initial INVITE. */
    readonly callerTag: string,
    /** Which party the caller is: the PBX on termination, the carrier on origination. */
    readonly callerSide: MediaSide,
    readonly leg: LegPolicy,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  sideOf(tag: string): MediaSide {
    const other: MediaSide = this.callerSide === 'pbx' ? 'carrier' : 'pbx';
    return tag === this.callerTag ? this.callerSide : other;
  }

  /** An SDP offer from the party whose tag is `fromTag`; resolves with the SDP for the other party. */
  offer(sdp: string, fromTag: string, toTag: string | null): Promise<string> {
    const from = this.sideOf(fromTag);
    const to: MediaSide = from === 'pbx' ? 'carrier' : 'pbx';
    const msg = addFlags(
      { command: 'offer', 'call-id': this.callId, 'from-tag': fromTag, sdp },
      incomingFlags(from, sdp, this.leg),
      outgoingFlags(to, this.leg, true),
    );
    if (toTag !== null) msg['to-tag'] = toTag;
    return this.#serial(() => this.#sdpCommand(msg));
  }

  /** The answer from `answererTag` to the offer of `offererTag`; resolves with the SDP for the offerer. */
  answer(sdp: string, offererTag: string, answererTag: string): Promise<string> {
    const from = this.sideOf(answererTag);
    const to: MediaSide = from === 'pbx' ? 'carrier' : 'pbx';
    const msg = addFlags(
      { command: 'answer', 'call-id': this.callId, 'from-tag': offererTag, 'to-tag': answererTag, sdp },
      incomingFlags(from, sdp, this.leg),
      outgoingFlags(to, this.leg, false),
    );
    return this.#serial(() => this.#sdpCommand(msg));
  }

  /** The session's stats now (for the media timeout and one-way checks), or null without a session. */
  query(): Promise<NgDict | null> {
    return this.#serial(async () => {
      if (this.engine === null || this.#ended) return null;
      return this.owner.pool.send(this.engine, { command: 'query', 'call-id': this.callId });
    });
  }

  /**
   * Deletes the session and reads its stats from the same reply (no delete delay: the session
   * count must drop now). Idempotent; resolves with null when there was no session or the engine
   * did not answer.
   */
  end(): Promise<MediaFacts | null> {
    this.#ending ??= this.#serial(async () => {
      this.#ended = true;
      const engine = this.engine;
      if (engine === null) {
        this.owner.closed(this, null);
        return null;
      }
      let facts: MediaFacts | null = null;
      try {
        facts = await this.#deleteWithStats(engine);
      } catch (err) {
        this.owner.failed(err);
      }
      this.owner.closed(this, facts);
      return facts;
    });
    return this.#ending;
  }

  /**
   * rtpengine answers a `delete` that names a tag of the call with the same statistics a `query`
   * would return, taken just before the session goes: one round trip instead of two. The tag is
   * the one that opened the session, which the engine always knows. Should it still answer without
   * them (a warning that the tags did not match, and then nothing was deleted), the stats are read
   * and the session deleted the long way (as also when the opener sent no tag).
   */
  async #deleteWithStats(engine: PoolEngine): Promise<MediaFacts | null> {
    const pool = this.owner.pool;
    if (this.#openerTag !== null) {
      const tag = this.#openerTag;
      const reply = await pool.send(engine, {
        command: 'delete',
        'call-id': this.callId,
        'from-tag': tag,
        'delete-delay': 0,
      });
      if (hasStats(reply)) return this.facts(reply);
    }
    let facts: MediaFacts | null = null;
    try {
      facts = this.facts(await pool.send(engine, { command: 'query', 'call-id': this.callId }));
    } catch (err) {
      this.owner.failed(err);
    }
    await pool.send(engine, { command: 'delete', 'call-id': this.callId, 'delete-delay': 0 });
    return facts;
  }

  facts(reply: NgDict): MediaFacts {
    // Every tag but the caller's is the other party: the answering one, and any that failed over after early media.
    const caller = [this.callerTag];
    const others = tagsOf(reply).filter((t) => t !== this.callerTag);
    const [pbx, carrier] = this.callerSide === 'pbx' ? [caller, others] : [others, caller];
    return {
      engine: this.engine?.client.label ?? '',
      pbx: legFacts(reply, pbx, carrier),
      carrier: legFacts(reply, carrier, pbx),
    };
  }

  async #sdpCommand(msg: NgDict): Promise<string> {
    if (this.#ended) throw new NgError('closed', 'the call ended');
    let reply: NgDict;
    try {
      if (this.engine === null) {
        const opened = await this.owner.pool.open(msg);
        this.engine = opened.engine;
        const tag = msg['from-tag'];
        this.#openerTag = typeof tag === 'string' && tag !== '' ? tag : null;
        reply = opened.reply;
        this.owner.opened(this);
      } else {
        reply = await this.owner.pool.send(this.engine, msg);
      }
    } catch (err) {
      this.owner.failed(err);
      throw err;
    }
    const sdp: BValue | undefined = reply.sdp;
    if (typeof sdp !== 'string') throw new NgError('error', 'rtpengine replied without an SDP');
    return sdp;
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(step, step);
    this.#chain = next.catch(() => {});
    return next;
  }
}
