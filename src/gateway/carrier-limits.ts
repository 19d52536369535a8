import type { Carrier } from '../carriers/carrier-plan.js';
import { CallSlots } from './call-slots.js';

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
  private readonly slots: CallSlots;

  constructor(now: () => number = Date.now) {
    this.slots = new CallSlots(now);
  }

  /** Calls currently holding a slot of carrier `sid` (tests, metrics). */
  active(sid: string): number {
    return this.slots.active(sid);
  }

  get trackedCarriers(): number {
    return this.slots.size;
  }

  admit(carrier: Carrier): CarrierLimitVerdict | (() => void) {
    const cps = carrier.maxCallsPerSecond ?? 0;
    const concurrent = carrier.maxConcurrentCalls ?? 0;
    if (cps <= 0 && concurrent <= 0) return () => {};
    const taken = this.slots.take(carrier.sid, cps, concurrent);
    if (taken === 'cps') return 'carrier_cps_exceeded';
    if (taken === 'concurrency') return 'carrier_concurrency_exceeded';
    return taken;
  }
}
