import { parseAuthorization } from '../sip/auth/parse-authorization.js';
import { formatNameAddr } from '../sip/message/format-name-addr.js';
import { formatUri } from '../sip/message/format-uri.js';
import { parseNameAddr } from '../sip/message/parse-name-addr.js';
import { parseUri } from '../sip/message/parse-uri.js';
import type { SipHeader, SipUri } from '../sip/message/types.js';
import type { InviteServerTransaction } from '../sip/transaction/index.js';
import type { SipTarget } from '../sip/transport/transport.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import type { DigestGuard } from './digest-guard.js';
import { ipv4ToInt } from './ipv4.js';
import { record, type CallState } from './call-record.js';
import { proxyInvite } from './invite-relay.js';
import type { ProxyDeps } from './proxy-core.js';
import { callerIdOf, maxForwardsOf, offerHasSupportedCodec, safeParseUri } from './sip-facts.js';
import type { SipPort } from './sip-port.js';
import { forwardRequest, headerValue, hostForUri, routeValues, targetOfUri, uriOfNameAddr } from './sip-routing.js';
import { CarrierTarget } from './carrier-target.js';
import { decideTermination } from './termination-policy.js';
import { refuseExtensions } from './refuse-extensions.js';
import { refuseOverLimit } from './trunk-admission.js';
import type { TrunkLimits } from './trunk-limits.js';

/** A password nobody has: an unknown digest username costs the same hash as a wrong password. */
const NO_PASSWORD = '\u0000no-such-trunk';

export interface TerminationOptions {
  proxy: ProxyDeps;
  snapshot: ConfigSnapshot;
  guard: DigestGuard;
  sipDomain: string;
  /** Host names meaning this gateway (see TerminationContext.localHosts). */
  localHosts: ReadonlySet<string>;
  access: SipPort;
  carrier: SipPort;
  /** The upstream carrier (or the PSTN simulator). */
  carrierUri: SipUri;
  trunkLimits: TrunkLimits;
}

/**
 * INVITE from a PBX on the access side: the termination policy decides, then the call goes to the
 * carrier through `proxyInvite`. Rejections carry a reason phrase and a Warning (RFC 3261 §20.43)
 * that name what the PBX admin has to fix; the status code is exactly the spec's.
 */
export class Termination {
  private readonly carrierTarget: SipTarget;
  private readonly carrierHostPort: string;
  private readonly carrierParams: string;
  private readonly warnAgent: string;

  constructor(private readonly o: TerminationOptions) {
    this.carrierTarget = targetOfUri(o.carrierUri);
    this.carrierHostPort = `${hostForUri(o.carrierUri.host)}${o.carrierUri.port === null ? '' : `:${o.carrierUri.port}`}`;
    let params = '';
    for (const [k, v] of o.carrierUri.params) params += v === null ? `;${k}` : `;${k}=${v}`;
    this.carrierParams = params;
    this.warnAgent = hostForUri(o.access.advertise);
  }

  handle(tx: InviteServerTransaction): void {
    const req = tx.request;
    const source = tx.source;
    const ruri = safeParseUri(req.uri);
    const callId = headerValue(req, 'call-id') ?? '';
    const proxyAuth = headerValue(req, 'proxy-authorization');
    const creds = proxyAuth === undefined ? null : parseAuthorization(proxyAuth);
    const { guard } = this.o;
    const blocked = creds !== null && guard.isBlocked(source.address);
    let verified = false;
    const decision = decideTermination(
      {
        requestHost: (ruri?.host ?? '').toLowerCase(),
        requestUser: ruri?.user ?? null,
        sourceIp: source.address,
        sourceIpInt: ipv4ToInt(source.address),
        callerId: callerIdOf(req),
        authUsername: creds?.username ?? null,
        codecOk: offerHasSupportedCodec(req),
        maxForwards: maxForwardsOf(req),
      },
      {
        snapshot: this.o.snapshot,
        sipDomain: this.o.sipDomain,
        localHosts: this.o.localHosts,
        verifyCredentials: (trunk) => {
          verified = true;
          return !blocked && creds !== null && guard.verify(creds, 'INVITE', trunk.sipPassword).ok;
        },
      },
    );
    const call: CallState = {
      direction: 'termination',
      trunk: decision.trunk,
      callId,
      caller: decision.caller,
      callee: decision.callee,
      source,
      startedAt: Date.now(),
      answeredAt: null,
      destination: null,
    };

    if (decision.action === 'reject') {
      tx.reply(decision.code, decision.reason, { headers: [{ name: 'warning', value: `399 ${this.warnAgent} "${decision.reason}"` }] });
      record(this.o.proxy, call, decision.code, decision.cause, call.startedAt);
      return;
    }
    if (decision.action === 'challenge') {
      // No enumeration (issue 6): an unknown username does the digest work a wrong password does.
      if (!verified && creds !== null) guard.verify(creds, 'INVITE', NO_PASSWORD);
      if (decision.cause === 'auth_failed' && (blocked || guard.fail(source.address))) {
        tx.reply(403, 'Forbidden (too many failed authentication attempts)');
        record(this.o.proxy, call, 403, 'auth_failed', call.startedAt);
        return;
      }
      // The first 407 of a digest call is routine and not logged; a wrong password is.
      tx.reply(407, 'Proxy Authentication Required', { headers: guard.challenges().map((value) => ({ name: 'proxy-authenticate', value })) });
      if (decision.cause === 'auth_failed') record(this.o.proxy, call, 407, 'auth_failed', call.startedAt);
      return;
    }
    if (creds !== null) guard.succeed(source.address);

    if (refuseExtensions(tx, req, 'proxy-require')) {
      record(this.o.proxy, call, 420, 'unsupported_extension', call.startedAt);
      return;
    }
    const trunk = decision.trunk;
    if (refuseOverLimit(this.o.trunkLimits, trunk, tx, call, this.o.proxy, this.warnAgent)) return;
    const replace: SipHeader[] = [];
    if (trunk.externalAlias !== null) {
      const alias = trunk.externalAlias;
      const from = headerValue(req, 'from');
      if (from !== undefined) {
        try {
          const na = parseNameAddr(from);
          const uri = parseUri(na.uri);
          replace.push({ name: 'from', value: formatNameAddr({ ...na, uri: formatUri({ ...uri, user: alias }) }) });
        } catch {
          /* unparseable From was already refused by the policy (no caller ID) */
        }
      }
      replace.push({ name: 'p-asserted-identity', value: `<sip:${alias}@${this.warnAgent}>` });
    }
    const recordRoute = [
      this.o.proxy.signer.recordRoute(this.o.carrier, this.carrierTarget.protocol, callId),
      this.o.proxy.signer.recordRoute(this.o.access, source.protocol, callId),
    ];
    const popRoutes = this.preloadedRoutes(routeValues(req));
    const requestUri = `sip:${decision.callee}@${this.carrierHostPort}${this.carrierParams}`;
    proxyInvite(this.o.proxy, tx, this.o.carrier, call, {
      targets: new CarrierTarget({ requestUri, target: this.carrierTarget, label: `${this.carrierHostPort}${this.carrierParams}` }),
      build: (t) => forwardRequest(req, { requestUri: t.requestUri, recordRoute, popRoutes, dropProxyAuth: true, replace }),
    });
  }

  /** Leading Route values naming this gateway's access listener (a PBX's outbound-proxy setting). */
  private preloadedRoutes(routes: string[]): number {
    let n = 0;
    for (const r of routes) {
      const uri = uriOfNameAddr(r);
      const u = uri === null ? null : safeParseUri(uri);
      if (u === null) break;
      const port = u.port ?? 5060;
      const local = this.o.access.listening.some((l) => l.port === port && (l.address === u.host || this.o.access.advertise === u.host || l.address === '0.0.0.0'));
      if (!local) break;
      n++;
    }
    return n;
  }
}
