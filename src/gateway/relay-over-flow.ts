import type { InviteServerTransaction, SipTarget } from '../sip/index.js';
import type { CallState } from './call-record.js';
import { isNodeAddress } from './flow-relay.js';
import { proxyInvite } from './invite-relay.js';
import type { OriginationOptions } from './origination.js';
import { refuse, type RefuseContext } from './refuse.js';
import { RegisteredSet } from './registered-set.js';
import { maxForwardsOf } from './sip-facts.js';
import { forwardRequest } from './sip-routing.js';
import type { ProxyTarget } from './target-set.js';

/**
 * An INVITE another node handed us for a flow we hold (flow-relay.ts): sent over that connection
 * if its source is a node of the registry, with our Record-Routes marked as this node's so the
 * dialog's requests pass through us both ways. The call is recorded by the node it entered.
 */
export function relayOverFlow(
  o: OriginationOptions,
  tx: InviteServerTransaction,
  flow: SipTarget,
  callId: string,
  warnAgent: string,
): void {
  const req = tx.request;
  const call: CallState = {
    direction: 'origination',
    trunk: null,
    callId,
    caller: null,
    callee: null,
    source: tx.source,
    startedAt: Date.now(),
    answeredAt: null,
    destination: null,
    carrier: null,
  };
  const refusal: RefuseContext = { tx, call, deps: o.proxy, warnAgent };
  const node = o.node as NonNullable<OriginationOptions['node']>;
  node.nodes().then(
    (nodes) => {
      if (!isNodeAddress(nodes, tx.source.address))
        return refuse(refusal, {
          code: 403,
          reason: 'Forbidden (not a configured carrier)',
          cause: 'unknown_carrier',
        });
      const mf = maxForwardsOf(req);
      if (mf !== null && mf <= 0) return refuse(refusal, { code: 483, reason: 'Too Many Hops', cause: 'max_forwards' });
      const signer = o.proxy.signer;
      const mark = `;vn=${signer.node}`;
      const target: ProxyTarget = { requestUri: req.uri, target: flow, label: `relayed to ${req.uri}` };
      proxyInvite(o.proxy, tx, o.access, call, {
        targets: new RegisteredSet([target], null),
        build: (t) =>
          forwardRequest(req, {
            requestUri: t.requestUri,
            recordRoute: [
              signer.recordRoute(o.access, t.target.protocol, callId, mark),
              signer.recordRoute(o.carrier, tx.source.protocol, callId, mark),
            ],
            popRoutes: 1,
          }),
      });
    },
    () => refuse(refusal, { code: 503, reason: 'Service Unavailable (node registry)', cause: 'unknown_carrier' }),
  );
}
