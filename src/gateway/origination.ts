import type { InviteServerTransaction } from '../sip/transaction/index.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import { decideOrigination } from './origination-policy.js';
import { record, type CallState } from './call-record.js';
import { proxyInvite } from './invite-relay.js';
import type { ProxyDeps } from './proxy-core.js';
import { DestinationSet } from './destination-set.js';
import type { ProxyTarget } from './target-set.js';
import { callerIdOf, maxForwardsOf, safeParseUri, userOfHeader } from './sip-facts.js';
import type { SipPort } from './sip-port.js';
import { forwardRequest, headerValue, hostForUri } from './sip-routing.js';
import { refuseExtensions } from './refuse-extensions.js';
import { refuseOverLimit } from './trunk-admission.js';
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
    if (this.o.trustedSource !== null && !this.o.trustedSource(tx.source.address)) {
      // Not the carrier: without this anyone reaching the carrier port could ring every PBX.
      const reason = 'Forbidden (not the configured carrier)';
      tx.reply(403, reason, { headers: [{ name: 'warning', value: `399 ${hostForUri(this.o.carrier.advertise)} "${reason}"` }] });
      const t = Date.now();
      record(this.o.proxy, { direction: 'origination', trunk: null, callId: headerValue(req, 'call-id') ?? '', caller: null, callee: null, source: tx.source, startedAt: t, answeredAt: null, destination: null }, 403, 'untrusted_source', t);
      return;
    }
    const ruri = safeParseUri(req.uri);
    const dialled = ruri?.user ?? userOfHeader(headerValue(req, 'to'));
    const callId = headerValue(req, 'call-id') ?? '';
    const d = decideOrigination({ dialled, callerId: callerIdOf(req), maxForwards: maxForwardsOf(req) }, this.o.snapshot);
    const call: CallState = {
      direction: 'origination',
      trunk: d.trunk,
      callId,
      caller: d.caller,
      callee: d.callee,
      source: tx.source,
      startedAt: Date.now(),
      answeredAt: null,
      destination: null,
    };
    if (d.action === 'reject') {
      tx.reply(d.code, d.reason, { headers: [{ name: 'warning', value: `399 ${hostForUri(this.o.carrier.advertise)} "${d.reason}"` }] });
      record(this.o.proxy, call, d.code, d.cause, call.startedAt);
      return;
    }
    if (refuseExtensions(tx, req, 'proxy-require')) {
      record(this.o.proxy, call, 420, 'unsupported_extension', call.startedAt);
      return;
    }
    if (refuseOverLimit(this.o.trunkLimits, d.trunk, tx, call, this.o.proxy, hostForUri(this.o.carrier.advertise))) return;
    const targets: ProxyTarget[] = d.destinations.map((dest) => ({
      requestUri: `sip:${d.callee}@${hostForUri(dest.host)}:${dest.port}${dest.transport === 'udp' ? '' : `;transport=${dest.transport}`}`,
      target: { protocol: dest.transport, address: dest.host, port: dest.port },
      label: dest.destination,
    }));
    const signer = this.o.proxy.signer;
    const carrierRR = signer.recordRoute(this.o.carrier, tx.source.protocol, callId);
    proxyInvite(this.o.proxy, tx, this.o.access, call, {
      targets: new DestinationSet(targets),
      build: (t) => forwardRequest(req, { requestUri: t.requestUri, recordRoute: [signer.recordRoute(this.o.access, t.target.protocol, callId), carrierRR], popRoutes: 0 }),
    });
  }
}
