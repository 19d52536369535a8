import type { DestinationUri } from '../store/types.js';
import type { CallCause } from './call-cause.js';
import type { CompiledTrunk, ConfigSnapshot } from './config-snapshot.js';
import { normalizeE164 } from './phone-number.js';

export interface OriginationFacts {
  /** Request-URI user, else To user: the number the PSTN caller dialled. */
  dialled: string | null;
  callerId: string | null;
  maxForwards: number | null;
}

export type OriginationDecision =
  | {
      action: 'reject';
      code: number;
      reason: string;
      cause: CallCause;
      trunk: CompiledTrunk | null;
      caller: string | null;
      callee: string | null;
    }
  | { action: 'proxy'; trunk: CompiledTrunk; caller: string | null; callee: string; destinations: DestinationUri[] };

/**
 * Decides one INVITE from the carrier: the dialled number must be mapped (404), the trunk must
 * have destination URIs (480, the spec's "No inbound calls: missing destination URI"), and
 * Max-Forwards must allow one more hop (483). The destinations come back in the order to try:
 * priority ascending, weighted random within one priority (RFC 2782 style selection).
 *
 * @param random injected so tests can pin the weighted order
 */
export function decideOrigination(
  f: OriginationFacts,
  snapshot: ConfigSnapshot,
  random: () => number = Math.random,
): OriginationDecision {
  const callee = normalizeE164(f.dialled);
  const caller = normalizeE164(f.callerId) ?? f.callerId;
  const trunk = callee === null ? undefined : snapshot.trunkForNumber(callee);
  if (trunk === undefined || !trunk.active) {
    return {
      action: 'reject',
      code: 404,
      reason: 'Not Found (number not mapped to a trunk)',
      cause: 'number_not_mapped',
      trunk: null,
      caller,
      callee: callee ?? f.dialled,
    };
  }
  const callee164 = callee as string;
  if (trunk.accountSuspended) {
    return {
      action: 'reject',
      code: 403,
      reason: 'Forbidden (account suspended)',
      cause: 'account_suspended',
      trunk,
      caller,
      callee: callee164,
    };
  }
  if (trunk.destinations.length === 0) {
    return {
      action: 'reject',
      code: 480,
      reason: 'Temporarily Unavailable (trunk has no destination URI)',
      cause: 'no_destination',
      trunk,
      caller,
      callee: callee164,
    };
  }
  if (f.maxForwards !== null && f.maxForwards <= 0) {
    return {
      action: 'reject',
      code: 483,
      reason: 'Too Many Hops',
      cause: 'max_forwards',
      trunk,
      caller,
      callee: callee164,
    };
  }
  return {
    action: 'proxy',
    trunk,
    caller,
    callee: callee164,
    destinations: orderDestinations(trunk.destinations, random),
  };
}

/** `sorted` must be sorted by priority (CompiledTrunk.destinations is). */
export function orderDestinations(sorted: readonly DestinationUri[], random: () => number): DestinationUri[] {
  if (sorted.length <= 1) return sorted.slice();
  const out: DestinationUri[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && (sorted[j] as DestinationUri).priority === (sorted[i] as DestinationUri).priority) j++;
    const group = sorted.slice(i, j);
    while (group.length > 0) {
      let total = 0;
      for (const d of group) total += Math.max(0, d.weight);
      let pick = 0;
      if (total > 0) {
        let r = random() * total;
        for (let k = 0; k < group.length; k++) {
          r -= Math.max(0, (group[k] as DestinationUri).weight);
          if (r < 0) {
            pick = k;
            break;
          }
        }
      }
      out.push(group.splice(pick, 1)[0] as DestinationUri);
    }
    i = j;
  }
  return out;
}
