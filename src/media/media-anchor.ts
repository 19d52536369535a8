import type { MediaFacts } from './media-facts.js';
import { MediaCall, type MediaCallOwner } from './media-call.js';
import type { LegPolicy, MediaSide } from './ng-offer-flags.js';
import type { RtpenginePool } from './rtpengine-pool.js';

/** Counters for /metrics. */
export interface MediaCounters {
  /** Sessions opened on an engine and not yet deleted. */
  sessions: number;
  /** RTP packets that arrived from PBXs and from carriers, counted when calls end. */
  packetsFromPbx: number;
  packetsFromCarrier: number;
  /** ng commands that failed (engine down, error reply). */
  errors: number;
}

/**
 * The gateway's media plane: rtpengine sessions of the calls in progress, by Call-ID, so that
 * shutdown deletes every one still open and the session count is known.
 */
export class MediaAnchor implements MediaCallOwner {
  readonly counters: MediaCounters = { sessions: 0, packetsFromPbx: 0, packetsFromCarrier: 0, errors: 0 };
  readonly #calls = new Set<MediaCall>();

  constructor(
    readonly pool: RtpenginePool,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** A call whose first offer is about to go to an engine. */
  call(callId: string, callerTag: string, callerSide: MediaSide, leg: LegPolicy): MediaCall {
    const c = new MediaCall(this, callId, callerTag, callerSide, leg);
    this.#calls.add(c);
    return c;
  }

  get live(): number {
    return this.#calls.size;
  }

  opened(): void {
    this.counters.sessions++;
  }

  closed(call: MediaCall, facts: MediaFacts | null): void {
    if (this.#calls.delete(call) && call.engine !== null) this.counters.sessions--;
    if (facts !== null) {
      this.counters.packetsFromPbx += facts.pbx.packets;
      this.counters.packetsFromCarrier += facts.carrier.packets;
    }
  }

  failed(err: unknown): void {
    this.counters.errors++;
    this.onError(err);
  }

  /** Calls with a session, for the media-timeout check. */
  calls(): IterableIterator<MediaCall> {
    return this.#calls.values();
  }

  /** Shutdown: every session still open is deleted before the engine is let go. */
  async close(): Promise<void> {
    await Promise.all([...this.#calls].map((c) => c.end()));
    this.pool.close();
  }
}
