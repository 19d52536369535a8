import { formatHost, getHeader, type InviteServerTransaction } from '../sip/index.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import { decideOrigination, type OriginationDecision } from './origination-policy.js';
import type { Registration, SipNode } from '../store/types.js';
import {
  flowOfRelayRoute,
  handoffRoute,
  isHandoff,
  isNodeAddress,
  nodeOfRegion,
  relayRoute,
  withTopRoute,
} from './flow-relay.js';
import type { CompiledTrunk } from './config-snapshot.js';
import { RegisteredSet } from './registered-set.js';
import { relayOverFlow } from './relay-over-flow.js';
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
import type { CarrierSources } from '../carriers/carrier-sources.js';
import { forkedTargets, isFlowCall, routeByFlow, type FlowMode } from './flow-step.js';

export interface OriginationOptions {
  proxy: ProxyDeps;
  /** Who may open calls on the carrier side: a carrier's source addresses, or a call to a registered Contact. */
  sources: CarrierSources;
  snapshot: ConfigSnapshot;
  access: SipPort;
  carrier: SipPort;
  trunkLimits: TrunkLimits;
  /** A trunk's registered bindings (the store's; expired ones are skipped here); none: registrations unused. */
  bindings?: (trunkSid: string) => Promise<Registration[]>;
  /** This node's id (bindings it took name it) and the nodes that are up: calls for flows others hold. */
  node?: { id: string; region: string; nodes: () => Promise<SipNode[]> };
  /** `mode: flow` numbers: routed by the account's call-routing webhook; none: routed as pstn numbers. */
  flow?: FlowMode;
}

/**
 * Where a call for a binding goes: the Contact as Request-URI (RFC 3261 §16.5), sent over the
 * flow the REGISTER came over (RFC 5626 §5.3) — the received address and port, from the
 * gateway's own port for UDP (what the PBX's NAT lets in), the same connection for TCP/TLS. The
 * Contact's host is never a destination: behind NAT it is private, and it may name a third party.
 */
export function bindingTarget(r: Registration): ProxyTarget {
  const protocol = r.transport === 'tcp' || r.transport === 'tls' ? r.transport : 'udp';
  return {
    requestUri: r.contact,
    target: { protocol, address: r.sourceIp, port: r.sourcePort },
    label: `${r.contact} (registered from ${formatHost(r.sourceIp)}:${r.sourcePort} over ${protocol.toUpperCase()})`,
  };
}

/**
 * A binding whose TCP/TLS connection another node holds, when that node is up: handed to it over
 * UDP at its relay address, the flow in a signed Route (flow-relay.ts). Otherwise as `bindingTarget`.
 */
function targetVia(r: Registration, self: string, nodes: readonly SipNode[], o: OriginationOptions, callId: string) {
  const t = bindingTarget(r);
  if (t.target.protocol === 'udp' || r.nodeId == null || r.nodeId === self) return t;
  const relay = nodes.find((n) => n.id === r.nodeId)?.relay;
  if (relay == null) return t;
  return {
    ...t,
    target: { protocol: 'udp' as const, address: relay.address, port: relay.port },
    label: `${t.label} via node ${r.nodeId}`,
    route: relayRoute(o.proxy.signer, relay, r, callId),
  };
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
    const flow = this.o.node === undefined ? null : flowOfRelayRoute(this.o.proxy.signer, req, callId);
    if (flow !== null) return relayOverFlow(this.o, tx, flow, callId, warnAgent);
    const node = this.o.node;
    if (node === undefined || !isHandoff(this.o.proxy.signer, req, callId)) return this.decide(tx, false);
    // Handed over by a node of another region: taken as from a carrier only when the source is a node.
    node.nodes().then(
      (nodes) => this.decide(tx, isNodeAddress(nodes, tx.source.address)),
      () => this.decide(tx, false),
    );
  }

  /** `handedOff`: another node took the call from the carrier and handed it to this node's region. */
  private decide(tx: InviteServerTransaction, handedOff: boolean): void {
    const req = tx.request;
    const callId = getHeader(req, 'call-id') ?? '';
    const warnAgent = formatHost(this.o.carrier.advertise);
    const ruri = safeParseUri(req.uri);
    const inbound = handedOff
      ? { registered: false, carrier: { name: null } }
      : this.o.sources.match(tx.source.address, ruri?.user ?? null);
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
    const trunk = d.trunk;
    const node = this.o.node;
    const region = trunk?.edgePreference;
    if (!handedOff && node !== undefined && region != null && region !== node.region) {
      // Its calls leave from a node of its region when one is up (node registry), else from here.
      node.nodes().then(
        (nodes) => {
          const to = nodeOfRegion(nodes, region);
          if (to === null) this.route(tx, refusal, d, false);
          else this.handOff(tx, { ...refusal.call, trunk: null }, to);
        },
        () => this.route(tx, refusal, d, false),
      );
      return;
    }
    this.route(tx, refusal, d, handedOff);
  }

  /**
   * The call to a node of the trunk's region (flow-relay.ts), this node staying in the path for
   * the carrier. The call is recorded (under its trunk) by that node; here without a trunk.
   */
  private handOff(tx: InviteServerTransaction, call: CallState, to: SipNode): void {
    const req = tx.request;
    const callId = call.callId;
    const signer = this.o.proxy.signer;
    const relay = to.relay as NonNullable<SipNode['relay']>;
    const target: ProxyTarget = {
      requestUri: req.uri,
      target: { protocol: 'udp', address: relay.address, port: relay.port },
      label: `node ${to.id} (region ${to.region})`,
      route: handoffRoute(signer, relay, callId),
    };
    proxyInvite(this.o.proxy, tx, this.o.access, call, {
      targets: new DestinationSet([target]),
      build: (t) =>
        withTopRoute(
          forwardRequest(req, {
            requestUri: t.requestUri,
            recordRoute: [
              signer.recordRoute(this.o.access, 'udp', callId),
              signer.recordRoute(this.o.carrier, tx.source.protocol, callId),
            ],
            popRoutes: 0,
          }),
          t.route,
        ),
    });
  }

  private route(tx: InviteServerTransaction, refusal: RefuseContext, d: OriginationDecision, handedOff: boolean) {
    const flow = this.o.flow;
    if (flow === undefined || !isFlowCall(d)) return this.routeTrunk(tx, refusal, d, handedOff);
    routeByFlow(flow, tx, refusal, d, (s) => {
      if (s.kind === 'dial') this.admit(tx, refusal, s.decision, [], handedOff, s.parallel);
      else this.routeTrunk(tx, refusal, d, handedOff);
    });
  }

  private routeTrunk(tx: InviteServerTransaction, refusal: RefuseContext, d: OriginationDecision, handedOff: boolean) {
    const callId = refusal.call.callId;
    const trunk = d.trunk;
    const registered =
      this.o.bindings !== undefined &&
      trunk?.registrationEnabled === true &&
      (d.action === 'proxy' || d.cause === 'no_destination');
    if (!registered) return this.admit(tx, refusal, d, [], handedOff);
    // The one store read on this path, only for a trunk whose PBX may register: bindings are shared
    // by every SIP node (a REGISTER taken by another node counts), so they are not in the snapshot.
    const now = Date.now();
    const node = this.o.node;
    const sid = (trunk as CompiledTrunk).sid;
    const load = async (): Promise<ProxyTarget[]> => {
      const regs = (await (this.o.bindings as NonNullable<OriginationOptions['bindings']>)(sid)).filter(
        (r) => Date.parse(r.expiresAt) > now,
      );
      // The registry is read only when a live TCP/TLS binding was taken by another node.
      const foreign = regs.some((r) => r.transport !== 'udp' && r.nodeId != null && r.nodeId !== node?.id);
      const nodes = node !== undefined && foreign ? await node.nodes() : [];
      return regs.map((r) => (node === undefined ? bindingTarget(r) : targetVia(r, node.id, nodes, this.o, callId)));
    };
    load().then(
      (targets) => this.admit(tx, refusal, d, targets, handedOff),
      () => this.admit(tx, refusal, d, [], handedOff),
    );
  }

  private admit(
    tx: InviteServerTransaction,
    refusal: RefuseContext,
    d: OriginationDecision,
    regs: ProxyTarget[],
    handedOff: boolean,
    parallel = false,
  ): void {
    const req = tx.request;
    const callId = getHeader(req, 'call-id') ?? '';
    if (d.action === 'reject') {
      if (d.cause !== 'no_destination' || regs.length === 0 || d.trunk === null) return refuse(refusal, d);
      const mf = maxForwardsOf(req);
      if (mf !== null && mf <= 0) return refuse(refusal, { code: 483, reason: 'Too Many Hops', cause: 'max_forwards' });
    }
    const trunk = d.trunk as CompiledTrunk;
    const callee = d.callee as string;
    const refused =
      originationMediaRefusal(req, trunk, this.o.proxy.media !== null) ??
      extensionRefusal(req, 'proxy-require') ??
      trunkLimitRefusal(this.o.trunkLimits, trunk, refusal.call);
    if (refused !== null) {
      refuse(refusal, refused);
      return;
    }
    // A secure trunk's calls go only to its TLS destinations and TLS-registered contacts
    // (secure_trunking: signalling encrypted end to end).
    const all = d.action === 'proxy' ? d.destinations : [];
    const destinations = trunk.secureTrunking ? all.filter((x) => x.transport === 'tls') : all;
    const live = trunk.secureTrunking ? regs.filter((r) => r.target.protocol === 'tls') : regs;
    if (trunk.secureTrunking && destinations.length === 0 && live.length === 0) {
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
        `sip:${callee}@${formatHost(dest.host)}:${dest.port}` +
        `${dest.transport === 'udp' ? '' : `;transport=${dest.transport}`}`,
      target: { protocol: dest.transport, address: dest.host, port: dest.port },
      label: dest.destination,
    }));
    const rest = new DestinationSet(parallel ? forkedTargets(targets) : targets);
    const signer = this.o.proxy.signer;
    // The PBX's address is not known before it answers; its signalling source is its destination's host.
    anchorCall(
      this.o.proxy,
      refusal.call,
      req,
      trunk,
      'carrier',
      targets[0]?.target.address ?? live[0]?.target.address ?? '',
    );
    // A handed-over call: our routes carry our mark (the other node shares the secret) and its Route goes.
    const mark = handedOff ? `;vn=${signer.node}` : '';
    const carrierRR = signer.recordRoute(this.o.carrier, tx.source.protocol, callId, mark);
    proxyInvite(this.o.proxy, tx, this.o.access, refusal.call, {
      callerPort: this.o.carrier,
      targets: live.length === 0 ? rest : new RegisteredSet(live, targets.length > 0 ? rest : null),
      build: (t) =>
        withTopRoute(
          forwardRequest(req, {
            requestUri: t.requestUri,
            recordRoute: [signer.recordRoute(this.o.access, t.target.protocol, callId, mark), carrierRR],
            popRoutes: handedOff ? 1 : 0,
          }),
          t.route,
        ),
    });
  }
}
