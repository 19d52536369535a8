import type { Carrier } from '../carriers/carrier-plan.js';

interface Usage {
  active: number;
  windowStart: number;
  started: number;
}

/** Why a carrier was passed over for a call: its own limits are reached. */
export type CarrierLimitVerdict = 'carrier_cps_exceeded' | 'carrier_concurrency_exceeded';

/**
 * Per-carrier call admission, as TrunkLimits counts per trunk: calls sent to a carrier in the
 * current one-second window (`max_calls_per_second`) and calls holding it (`max_concurrent_calls`:
 * from the attempt until the call ends). A carrier without limits is not counted at all. `admit`
 * takes a slot and returns its release, to be run exactly once (it is idempotent); a carrier over
 * a limit is skipped by CarrierTarget like a down URI.
 */
export class CarrierLimits {
  private readonly usage = new Map<string, Usage>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls currently holding a slot of carrier `sid` (tests, metrics). */
  active(sid: string): number {
    return this.usage.get(sid)?.active ?? 0;
  }

  get trackedCarriers(): number {
    return this.usage.size;
  }

  admit(carrier: Carrier): CarrierLimitVerdict | (() => void) {
    const cps = carrier.maxCallsPerSecond ?? 0;
    const concurrent = carrier.maxConcurrentCalls ?? 0;
    if (cps <= 0 && concurrent <= 0) return () => {};
    const now = this.now();
    let u = this.usage.get(carrier.sid);
    if (u === undefined) {
      u = { active: 0, windowStart: now, started: 0 };
      this.usage.set(carrier.sid, u);
    } else if (now - u.windowStart >= 1000) {
      u.windowStart = now;
      u.started = 0;
    }
    if (cps > 0 && u.started >= cps) return 'carrier_cps_exceeded';
    if (concurrent > 0 && u.active >= concurrent) return 'carrier_concurrency_exceeded';
    u.started++;
    u.active++;
    const entry = u;
    const sid = carrier.sid;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.active--;
      // Entries live only while a carrier has calls or a recent window: no growth with carriers.
      if (entry.active <= 0 && this.now() - entry.windowStart >= 1000 && this.usage.get(sid) === entry)
        this.usage.delete(sid);
    };
  }
}
