import type { CompiledTrunk } from './config-snapshot.js';

export interface TrunkLimitsOptions {
  /** Calls per second per trunk when the trunk's `max_calls_per_second` is null; 0 = no limit. */
  defaultCps: number;
  /** Concurrent calls per trunk when the trunk's `max_concurrent_calls` is null; 0 = no limit. */
  defaultConcurrent: number;
  /** Milliseconds clock of the CPS windows (default `Date.now`); tests step one by hand. */
  now?: () => number;
}

interface Usage {
  active: number;
  windowStart: number;
  started: number;
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
  private readonly usage = new Map<string, Usage>();
  private readonly now: () => number;

  constructor(private readonly o: TrunkLimitsOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Calls currently holding a slot on `sid` (tests, metrics). */
  active(sid: string): number {
    return this.usage.get(sid)?.active ?? 0;
  }

  get trackedTrunks(): number {
    return this.usage.size;
  }

  admit(trunk: CompiledTrunk): TrunkLimitVerdict | (() => void) {
    const cps = trunk.maxCallsPerSecond ?? this.o.defaultCps;
    const concurrent = trunk.maxConcurrentCalls ?? this.o.defaultConcurrent;
    const now = this.now();
    let u = this.usage.get(trunk.sid);
    if (u === undefined) {
      u = { active: 0, windowStart: now, started: 0 };
      this.usage.set(trunk.sid, u);
    } else if (now - u.windowStart >= 1000) {
      u.windowStart = now;
      u.started = 0;
    }
    if (cps > 0 && u.started >= cps) return 'trunk_cps_exceeded';
    if (concurrent > 0 && u.active >= concurrent) return 'trunk_concurrency_exceeded';
    u.started++;
    u.active++;
    const entry = u;
    const sid = trunk.sid;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.active--;
      if (entry.active <= 0 && this.now() - entry.windowStart >= 1000 && this.usage.get(sid) === entry)
        this.usage.delete(sid);
    };
  }
}
