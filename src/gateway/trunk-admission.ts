import type { InviteServerTransaction } from '../sip/transaction/index.js';
import type { CompiledTrunk } from './config-snapshot.js';
import { record, type CallState } from './call-record.js';
import type { ProxyDeps } from './proxy-core.js';
import type { TrunkLimits } from './trunk-limits.js';

/**
 * Per-trunk limits, applied once the trunk is known and the call would otherwise be proxied.
 * Over calls per second: 503 with Retry-After: 1 (the next second has room again, RFC 3261
 * §21.5.4); over concurrent calls: 486 Busy Here (the trunk's channels are all in use). Both are
 * logged under the trunk with their cause. On admission the call carries `release`, which the
 * proxy runs on whichever path ends it.
 *
 * @returns true when the INVITE was refused (and answered)
 */
export function refuseOverLimit(limits: TrunkLimits, trunk: CompiledTrunk, tx: InviteServerTransaction, call: CallState, proxy: ProxyDeps, warnAgent: string): boolean {
  const slot = limits.admit(trunk);
  if (typeof slot === 'function') {
    call.release = slot;
    return false;
  }
  if (slot === 'trunk_cps_exceeded') {
    const reason = 'Service Unavailable (trunk calls-per-second limit)';
    tx.reply(503, reason, { headers: [{ name: 'retry-after', value: '1' }, { name: 'warning', value: `399 ${warnAgent} "${reason}"` }] });
    record(proxy, call, 503, slot, call.startedAt);
  } else {
    const reason = 'Busy Here (trunk concurrent-call limit)';
    tx.reply(486, reason, { headers: [{ name: 'warning', value: `399 ${warnAgent} "${reason}"` }] });
    record(proxy, call, 486, slot, call.startedAt);
  }
  return true;
}
