import { ownString } from '../sip/index.js';
import type { CallCause } from './call-cause.js';
import type { CallRecordSink, CallState } from './call-record.js';
import { closeCall } from './close-call.js';

/**
 * Answered calls by Call-ID, so the BYE that passes through us can close the call record.
 * Bounded: when full, the oldest call is closed (`completed`) to make room. Kept in answer order,
 * so the sweep of calls whose BYE never came stops at the first younger one.
 */
export class DialogTable {
  readonly #calls = new Map<string, CallState>();

  constructor(
    private readonly sink: CallRecordSink,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.#calls.size;
  }

  get(callId: string): CallState | undefined {
    return this.#calls.get(callId);
  }

  /** The answered calls, oldest first. */
  calls(): IterableIterator<CallState> {
    return this.#calls.values();
  }

  /** An answered call; its record is written when it ends. */
  add(call: CallState): void {
    if (this.#calls.size >= this.max) {
      const oldest = this.#calls.keys().next().value;
      if (oldest !== undefined) this.end(oldest, 200, 'completed');
    }
    call.callId = ownString(call.callId); // held for the call's length: not a view on the INVITE's text
    this.#calls.set(call.callId, call);
  }

  /** A call ended (BYE, or pushed out): its record is written now. False if it was not held here. */
  end(callId: string, code: number, cause: CallCause): boolean {
    const call = this.#calls.get(callId);
    if (call === undefined) return false;
    this.#calls.delete(callId);
    this.sink.metrics.callEnded(call.direction);
    call.release?.();
    closeCall(this.sink, call, code, cause);
    return true;
  }

  /**
   * Closes answered calls older than `maxAgeMs` whose BYE never passed through us (a PBX that
   * crashed, a BYE sent around the proxy).
   */
  sweep(maxAgeMs: number, now: number): number {
    let n = 0;
    for (const [callId, call] of this.#calls) {
      if (call.answeredAt === null || now - call.answeredAt < maxAgeMs) break;
      this.end(callId, 200, 'expired');
      n++;
    }
    return n;
  }
}
