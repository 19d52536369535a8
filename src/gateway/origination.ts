import { formatHost, getHeader, type InviteServerTransaction } from '../sip/index.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import { decideOrigination } from './origination-policy.js';
import type { CallState } from './call-record.js';
import { proxyInvite } from './invite-relay.js';
import type { ProxyDeps } from './proxy-deps.js';
import { DestinationSet } from './destination-set.js';
import type { ProxyTarget } from './target-set.js';
import { refuse, type RefuseContext } from './refuse.js';
import { callerIdOf, maxForwardsOf, safeParseUri, userOfHeader } from './sip-facts.js';
import type { SipPort } from './sip-port.js';
import { forwardRequest } from './sip-routing.js';
import { extensionRefusal } from './refuse-extensions.js';
import { trunkLimitRefusal } from './trunk-admission.js';
import type { TrunkLimits } from './trunk-limits.js';
import type { CarrierSources } from '../carriers/carrier-sources.js';

export interface OriginationOptions {
  proxy: ProxyDeps;
  /** Who may open calls on the carrier side: a carrier's source addresses, or a call to a registered Contact. */
  sources: CarrierSources;
  snapshot: ConfigSnapshot;
  access: SipPort;
  carrier: SipPort;
  trunkLimits: TrunkLimits;
}

/**
 * INVITE from the carrier (PSTN → PBX): the dialled number picks the trunk, the trunk's
 * destination URIs are tried in priority/weight order over the transport each one names, with
 * failover on transport error, timeout, 408 or 5xx (`DestinationSet`).
 */
export class Origination {
  constructor(private readonly o: OriginationOptions) {}

  handle(tx: InviteServerTransaction): void {
    const req = tx.request;
    const callId = getHeader(req, 'call-id') ?? '';
    const warnAgent = formatHost(this.o.carrier.advertise);
    const ruri = safeParseUri(req.uri);
    const inbound = this.o.sources.match(tx.source.address, ruri?.user ?? null);
    // A call to the Contact we registered names that Contact in its Request-URI: the number is the To's.
    const dialled = inbound?.registered !== true && ruri?.user != null ? ruri.user : userOfHeader(getHeader(req, 'to'));
    // Not a carrier: nothing about the number is looked at (or logged under a trunk).
    const d =
      inbound === null
        ? null
        : decideOrigination({ dialled, callerId: callerIdOf(req), maxForwards: maxForwardsOf(req) }, this.o.snapshot);
    const call: CallState = {
      direction: 'origination',
      trunk: d?.trunk ?? null,
      callId,
      caller: d?.caller ?? null,
      callee: d?.callee ?? null,
      source: tx.source,
      startedAt: Date.now(),
      answeredAt: null,
      destination: null,
      carrier: inbound?.carrier.name ?? null,
    };
    const refusal: RefuseContext = { tx, call, deps: this.o.proxy, warnAgent };
    // The admission order of docs/gateway.md: the source is a carrier (without this anyone
    // reaching the carrier port could ring every PBX), the policy (number mapped, destinations,
    // Max-Forwards), then Proxy-Require, then the trunk's own limits.
    if (d === null) {
      refuse(refusal, { code: 403, reason: 'Forbidden (not a configured carrier)', cause: 'unknown_carrier' });
      return;
    }
    if (d.action === 'reject') {
      refuse(refusal, d);
      return;
    }
    const refused = extensionRefusal(req, 'proxy-require') ?? trunkLimitRefusal(this.o.trunkLimits, d.trunk, call);
    if (refused !== null) {
      refuse(refusal, refused);
      return;
    }
    const targets: ProxyTarget[] = d.destinations.map((dest) => ({
      requestUri:
        `sip:${d.callee}@${formatHost(dest.host)}:${dest.port}` +
        `${dest.transport === 'udp' ? '' : `;transport=${dest.transport}`}`,
      target: { protocol: dest.transport, address: dest.host, port: dest.port },
      label: dest.destination,
    }));
    const signer = this.o.proxy.signer;
    const carrierRR = signer.recordRoute(this.o.carrier, tx.source.protocol, callId);
    proxyInvite(this.o.proxy, tx, this.o.access, call, {
      targets: new DestinationSet(targets),
      build: (t) =>
        forwardRequest(req, {
          requestUri: t.requestUri,
          recordRoute: [signer.recordRoute(this.o.access, t.target.protocol, callId), carrierRR],
          popRoutes: 0,
        }),
    });
  }
}
