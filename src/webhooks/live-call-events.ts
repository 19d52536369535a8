import { randomBytes } from 'node:crypto';
import type { CallState } from '../gateway/call-record.js';
import type { Store } from '../store/types.js';
import { CallEventQueue } from './call-event-queue.js';

/** What the relay tells as a call progresses; the end of the call is told by its record (`call-events.ts`). */
export interface CallEventSink {
  initiated(call: CallState): void;
  /** The first provisional above 100 (180 Ringing, 183 Session Progress) relayed to the caller. */
  ringing(call: CallState, code: number): void;
  answered(call: CallState, code: number): void;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Call events as they happen, into the outbox through `CallEventQueue`: `call.initiated` when the call
 * is sent on, `call.ringing` once at its first ringing provisional, `call.answered` at its 2xx. A
 * call's record is marked (`liveEvents`) so that its end adds only `call.completed` / `call.failed`.
 * A call of no trunk (not ours to tell, or recorded by another node) raises nothing.
 */
export class LiveCallEvents implements CallEventSink {
  readonly #rang = new WeakSet<CallState>();

  constructor(private readonly queue: CallEventQueue) {}

  initiated(call: CallState): void {
    if (call.trunk === null) return;
    call.liveEvents = true;
    this.#push('call.initiated', call, call.startedAt, {});
  }

  ringing(call: CallState, code: number): void {
    if (call.liveEvents !== true || this.#rang.has(call)) return;
    this.#rang.add(call);
    this.#push('call.ringing', call, Date.now(), { sip_code: code });
  }

  answered(call: CallState, code: number): void {
    if (call.liveEvents !== true) return;
    this.#push('call.answered', call, call.answeredAt ?? Date.now(), { sip_code: code });
  }

  #push(type: string, call: CallState, at: number, extra: Record<string, unknown>): void {
    const trunk = call.trunk;
    if (trunk === null) return;
    this.queue.push({
      id: `evt_${randomBytes(12).toString('hex')}`,
      type,
      accountSid: trunk.accountSid,
      trunkSid: trunk.sid,
      createdAt: iso(at),
      data: {
        call_id: call.callId,
        direction: call.direction,
        from: call.caller,
        to: call.callee,
        source: `${call.source.protocol}:${call.source.address}:${call.source.port}`,
        destination: call.destination,
        ...extra,
      },
    });
  }
}

/**
 * The gateway's live call events, when its store has an outbox: the queue is flushed (and its timer
 * stopped) by a close step registered where it opens.
 */
export function liveCallEvents(
  store: Pick<Store, 'webhooks'>,
  closers: Array<() => Promise<void>>,
  onError: (err: unknown) => void,
): { events?: CallEventSink } {
  if (store.webhooks === undefined) return {};
  const queue = new CallEventQueue(store.webhooks, { onError });
  closers.push(() => queue.close());
  return { events: new LiveCallEvents(queue) };
}
