import { ignoringServerUser, type InviteServerTransaction } from '../sip/index.js';
import type { DestinationUri } from '../store/types.js';
import type { CallState } from './call-record.js';
import type { CompiledTrunk } from './config-snapshot.js';
import type { FlowRouter } from './flow-router.js';
import type { OriginationDecision } from './origination-policy.js';
import { refuse, type Refusal, type RefuseContext } from './refuse.js';
import { maxForwardsOf } from './sip-facts.js';
import type { ProxyTarget } from './target-set.js';

/** Flow mode as the gateway runs it: who answers, and what happens when nobody does (`--flow-fallback`). */
export interface FlowMode {
  router: FlowRouter;
  fallback: 'trunk' | 'reject';
}

/** What a flow-mode call does next: ring the webhook's destinations, be refused, or go the trunk's way. */
export type FlowStep =
  | { kind: 'dial'; decision: OriginationDecision & { action: 'proxy' }; parallel: boolean }
  | { kind: 'refuse'; refusal: Refusal }
  | { kind: 'trunk' };

/** Whether the call's number is routed by the call-routing webhook: a `mode: flow` number with a trunk to route. */
export function isFlowCall(d: OriginationDecision): boolean {
  return (
    d.trunk !== null &&
    d.callee !== null &&
    d.trunk.flowNumbers?.has(d.callee) === true &&
    (d.action === 'proxy' || d.cause === 'no_destination')
  );
}

/**
 * Asks the webhook and turns its answer into the next step, writing on the call what happened (its
 * `flowNote`, kept in the call log): a `dial` answer replaces the trunk's destination URIs, `reject`
 * ends the call with the webhook's code, `fallback` — or no usable answer in time — takes the
 * configured fallback.
 */
export async function flowStep(mode: FlowMode, d: OriginationDecision, call: CallState): Promise<FlowStep> {
  const trunk = d.trunk as CompiledTrunk;
  const outcome = await mode.router.ask({
    callId: call.callId,
    accountSid: trunk.accountSid,
    trunkSid: trunk.sid,
    from: d.caller,
    to: d.callee as string,
    source: `${call.source.protocol}:${call.source.address}:${call.source.port}`,
    carrier: call.carrier ?? null,
  });
  const a = outcome.answer;
  if (a?.action === 'dial') {
    call.flowNote = outcome.note;
    const destinations: DestinationUri[] = a.destinations.map((x, i) => ({
      id: `flow${i}`,
      trunkSid: trunk.sid,
      ...x,
      priority: i,
      weight: 0,
      dateCreated: '',
      dateUpdated: '',
    }));
    return {
      kind: 'dial',
      decision: { action: 'proxy', trunk, caller: d.caller, callee: d.callee as string, destinations },
      parallel: a.parallel,
    };
  }
  if (a?.action === 'reject') {
    call.flowNote = outcome.note;
    return {
      kind: 'refuse',
      refusal: { code: a.code, reason: a.reason, cause: 'flow_rejected', warning: 'rejected by call-routing webhook' },
    };
  }
  if (a === null && mode.fallback === 'reject') {
    call.flowNote = `${outcome.note}; fallback: reject`;
    return {
      kind: 'refuse',
      refusal: {
        code: 480,
        reason: 'Temporarily Unavailable (call-routing webhook failed)',
        cause: 'flow_failed',
        // Not the note itself: it may quote the webhook's answer, which has no place in a SIP header.
        warning: 'call-routing webhook failed: see the flow_note of this call in the call log',
      },
    };
  }
  call.flowNote = a === null ? `${outcome.note}; fallback: the trunk's destination URIs` : outcome.note;
  return { kind: 'trunk' };
}

/**
 * A flow call's routing: Max-Forwards first (the webhook's destinations are one more hop), then the
 * webhook; refusals are answered here, a dial or the trunk's way go to `next`. While the webhook is
 * asked the caller may CANCEL: it gets its 487 at once, and the answer, when it comes, is dropped.
 */
export function routeByFlow(
  mode: FlowMode,
  tx: InviteServerTransaction,
  refusal: RefuseContext,
  d: OriginationDecision,
  next: (s: FlowStep & { kind: 'dial' | 'trunk' }) => void,
): void {
  const mf = maxForwardsOf(tx.request);
  if (mf !== null && mf <= 0) return refuse(refusal, { code: 483, reason: 'Too Many Hops', cause: 'max_forwards' });
  tx.user = {
    ...ignoringServerUser,
    cancel: () => refuse(refusal, { code: 487, reason: 'Request Terminated', cause: 'cancelled' }),
  };
  // Each call waits on its own promise (bounded by --flow-timeout-ms): other calls go on meanwhile.
  flowStep(mode, d, refusal.call)
    .catch((): FlowStep => ({ kind: 'trunk' }))
    .then((s) => {
      tx.user = ignoringServerUser;
      if (tx.cancelled) return;
      if (s.kind === 'refuse') refuse(refusal, s.refusal);
      else next(s);
    });
}

/** A flow answer's parallel destinations: one attempt forked to all (RFC 3261 §16.7), the first 2xx wins. */
export function forkedTargets(targets: ProxyTarget[]): ProxyTarget[] {
  const first = targets[0];
  if (first === undefined || targets.length === 1) return targets;
  return [{ ...first, label: targets.map((t) => t.label).join(' | '), fork: targets }];
}
