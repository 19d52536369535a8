import { formatHost, getHeader, type InviteServerTransaction } from '../sip/index.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import { decideOrigination } from './origination-policy.js';
import type { CallState } from './call-record.js';
import { proxyInvite } from './invite-relay.js';
import type { ProxyDeps } from './proxy-deps.js';
import { anchorCall } from './anchor-call.js';
import { originationMediaRefusal } from './media-admission.js';
import { DestinationSet } from './destination-set.js';
import type { ProxyTarget } from './target-set.js';
import { refuse, type RefuseContext } from './refuse.js';
import { callerIdOf, maxForwardsOf, safeParseUri, userOfHeader } from './sip-facts.js';
import type { SipPort } from './sip-port.js';
import { forwardRequest } from './sip-routing.js';
import { extensionRefusal } from './refuse-extensions.js';
import { trunkLimitRefusal } from './trunk-admission.js';
import type { TrunkLimits } from './trunk-limits.js';

export interface OriginationOptions {
  proxy: ProxyDeps;
  /**
   * Who may open calls on the carrier side: null = anyone (a carrier given by host name), else a
   * predicate on the source address (the configured carrier's IP, or loopback for the simulator).
   */
  trustedSource: ((address: string) => boolean) | null;
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
    const untrusted = this.o.trustedSource !== null && !this.o.trustedSource(tx.source.address);
    const ruri = safeParseUri(req.uri);
    const dialled = ruri?.user ?? userOfHeader(getHeader(req, 'to'));
    // Not the carrier: nothing about the number is looked at (or logged under a trunk).
    const d = untrusted
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
    };
    const refusal: RefuseContext = { tx, call, deps: this.o.proxy, warnAgent };
    // The admission order of docs/gateway.md: the source is the carrier (without this anyone
    // reaching the carrier port could ring every PBX), the policy (number mapped, destinations,
    // Max-Forwards), then Proxy-Require, then the trunk's own limits.
    if (d === null) {
      refuse(refusal, { code: 403, reason: 'Forbidden (not the configured carrier)', cause: 'untrusted_source' });
      return;
    }
    if (d.action === 'reject') {
      refuse(refusal, d);
      return;
    }
    const refused =
      originationMediaRefusal(req, d.trunk, this.o.proxy.media !== null) ??
      extensionRefusal(req, 'proxy-require') ??
      trunkLimitRefusal(this.o.trunkLimits, d.trunk, call);
    if (refused !== null) {
      refuse(refusal, refused);
      return;
    }
    // A secure trunk's calls go only to its TLS destinations (secure_trunking: signalling encrypted end to end).
    const destinations = d.trunk.secureTrunking ? d.destinations.filter((x) => x.transport === 'tls') : d.destinations;
    if (destinations.length === 0) {
      refuse(refusal, {
        code: 480,
        reason: 'Temporarily Unavailable (secure trunk has no TLS destination)',
        cause: 'no_destination',
        warning: 'secure_trunking is on: add a destination URI with transport=tls',
      });
      return;
    }
    const targets: ProxyTarget[] = destinations.map((dest) => ({
      requestUri:
        `sip:${d.callee}@${formatHost(dest.host)}:${dest.port}` +
        `${dest.transport === 'udp' ? '' : `;transport=${dest.transport}`}`,
      target: { protocol: dest.transport, address: dest.host, port: dest.port },
      label: dest.destination,
    }));
    const signer = this.o.proxy.signer;
    // The PBX's address is not known before it answers; its signalling source is its destination's host.
    anchorCall(this.o.proxy, call, req, d.trunk, 'carrier', targets[0]?.target.address ?? '');
    const carrierRR = signer.recordRoute(this.o.carrier, tx.source.protocol, callId);
    proxyInvite(this.o.proxy, tx, this.o.access, call, {
      callerPort: this.o.carrier,
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
