import type { MediaReport, RtpSession } from './rtp-session.js';

/** How a call's media ended. */
export type MediaEnd = 'bye' | 'cancel' | 'no-ack' | 'rejected' | 'hangup' | 'error' | 'close';

/** One call's media as the simulator reports it: the session's counters and the call around them. */
export interface CallMediaReport extends MediaReport {
  callId: string;
  /** The dialled number (the simulator answering) or the number it called (placing a call). */
  number: string | null;
  role: 'answered' | 'placed';
  startedAt: number;
  endedAt: number | null;
  endedBy: MediaEnd | null;
}

interface Live {
  session: RtpSession;
  number: string | null;
  role: 'answered' | 'placed';
  startedAt: number;
  /** SDP session id and version of our side (RFC 4566 §5.2: the version grows with each change). */
  sdpId: number;
  sdpVersion: number;
}

const KEEP_ENDED = 1000;

/**
 * The simulator's calls with media, by Call-ID: the live sessions (closed exactly once, by `end`),
 * the reports of the last calls that ended, and who hears about each end.
 */
export class CallMediaTable {
  private readonly live = new Map<string, Live>();
  private readonly ended = new Map<string, CallMediaReport>();
  private readonly listeners: Array<(r: CallMediaReport) => void> = [];

  add(
    callId: string,
    session: RtpSession,
    o: { number: string | null; role: 'answered' | 'placed'; sdpId: number },
  ): void {
    this.end(callId, 'error'); // a second INVITE with the same Call-ID must not orphan the first socket
    this.live.set(callId, { session, ...o, startedAt: Date.now(), sdpVersion: o.sdpId });
  }

  get(callId: string): Live | undefined {
    return this.live.get(callId);
  }

  /** Closes the call's socket and keeps its final report; null when the call has no live media. */
  end(callId: string, why: MediaEnd): CallMediaReport | null {
    const l = this.live.get(callId);
    if (l === undefined) return null;
    this.live.delete(callId);
    l.session.close();
    const r = this.build(callId, l, why);
    if (this.ended.size >= KEEP_ENDED) this.ended.delete(this.ended.keys().next().value as string);
    this.ended.set(callId, r);
    for (const fn of this.listeners) fn(r);
    return r;
  }

  /** The live report of a call up, else the final one of a call that ended; null if unknown. */
  report(callId: string): CallMediaReport | null {
    const l = this.live.get(callId);
    return l !== undefined ? this.build(callId, l, null) : (this.ended.get(callId) ?? null);
  }

  onEnd(fn: (r: CallMediaReport) => void): void {
    this.listeners.push(fn);
  }

  /** RTP sockets open now (one per call with media): 0 when every call has ended. */
  get openSockets(): number {
    return this.live.size;
  }

  endAll(why: MediaEnd): void {
    for (const callId of [...this.live.keys()]) this.end(callId, why);
  }

  private build(callId: string, l: Live, why: MediaEnd | null): CallMediaReport {
    return {
      callId,
      number: l.number,
      role: l.role,
      startedAt: l.startedAt,
      endedAt: why === null ? null : Date.now(),
      endedBy: why,
      ...l.session.report(),
    };
  }
}
