import { CallSlots } from './call-slots.js';
import type { CompiledTrunk } from './config-snapshot.js';

export interface TrunkLimitsOptions {
  /** Calls per second per trunk when the trunk's `max_calls_per_second` is null; 0 = no limit. */
  defaultCps: number;
  /** Concurrent calls per trunk when the trunk's `max_concurrent_calls` is null; 0 = no limit. */
  defaultConcurrent: number;
  /** Milliseconds clock of the CPS windows (default `Date.now`); tests step one by hand. */
  now?: () => number;
}

export type TrunkLimitVerdict = 'trunk_cps_exceeded' | 'trunk_concurrency_exceeded';

/**
 * Per-trunk call admission: calls started in the current one-second window (CPS) and calls in
 * progress or answered (concurrency), against the trunk's API limits or the gateway defaults.
 * `admit` takes a slot; the caller must run the returned release exactly once when the call ends,
 * however it ends (the proxy calls it from every end path: final response, CANCEL, timeout, BYE,
 * expiry). Usage entries live only while a trunk has calls or a recent window.
 */
export class TrunkLimits {
  private readonly slots: CallSlots;

  constructor(private readonly o: TrunkLimitsOptions) {
    this.slots = new CallSlots(o.now ?? Date.now);
  }

  /** Calls currently holding a slot on `sid` (tests, metrics). */
  active(sid: string): number {
    return this.slots.active(sid);
  }

  get trackedTrunks(): number {
    return this.slots.size;
  }

  admit(trunk: CompiledTrunk): TrunkLimitVerdict | (() => void) {
    const taken = this.slots.take(
      trunk.sid,
      trunk.maxCallsPerSecond ?? this.o.defaultCps,
      trunk.maxConcurrentCalls ?? this.o.defaultConcurrent,
    );
    if (taken === 'cps') return 'trunk_cps_exceeded';
    if (taken === 'concurrency') return 'trunk_concurrency_exceeded';
    return taken;
  }
}
