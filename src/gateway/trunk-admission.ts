import type { CompiledTrunk } from './config-snapshot.js';
import type { CallState } from './call-record.js';
import type { Refusal } from './refuse.js';
import type { TrunkLimits } from './trunk-limits.js';

/**
 * Per-trunk limits, applied once the trunk is known and the call would otherwise be proxied.
 * Over calls per second: 503 with Retry-After: 1 (the next second has room again, RFC 3261
 * §21.5.4); over concurrent calls: 486 Busy Here (the trunk's channels are all in use). Both are
 * logged under the trunk with their cause. On admission the call carries `release`, which the
 * proxy runs on whichever path ends it, and the answer is null.
 */
export function trunkLimitRefusal(limits: TrunkLimits, trunk: CompiledTrunk, call: CallState): Refusal | null {
  const slot = limits.admit(trunk);
  if (typeof slot === 'function') {
    call.release = slot;
    return null;
  }
  if (slot === 'trunk_cps_exceeded') {
    return {
      code: 503,
      reason: 'Service Unavailable (trunk calls-per-second limit)',
      cause: slot,
      headers: [{ name: 'retry-after', value: '1' }],
    };
  }
  return { code: 486, reason: 'Busy Here (trunk concurrent-call limit)', cause: slot };
}
