import {
  formatHost,
  getHeader,
  getHeaderValues,
  parseAuthorization,
  targetOfUri,
  type DigestCredentials,
  type InviteServerTransaction,
  type SipHeader,
  type SipTarget,
  type SipUri,
} from '../sip/index.js';
import type { CarrierChoice, CarrierRouter } from '../carriers/carrier-router.js';
import { authenticateDigest, type DigestOutcome } from './authenticate-digest.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import type { DigestGuard } from './digest-guard.js';
import { peerIpv4 } from '../net/ipv4.js';
import type { CallState } from './call-record.js';
import { proxyInvite } from './invite-relay.js';
import type { ProxyDeps } from './proxy-deps.js';
import { callerIdOf, maxForwardsOf, offerHasSupportedCodec, safeParseUri } from './sip-facts.js';
import type { SipPort } from './sip-port.js';
import { forwardRequest, uriOfNameAddr } from './sip-routing.js';
import { withUriUser } from './with-uri-user.js';
import { CarrierTarget, type CarrierAttempt, type CarrierHop } from './carrier-target.js';
import { CSEQ_ROUTE_PARAM, shiftCSeq } from './cseq-offset.js';
import { anchorCall } from './anchor-call.js';
import { carrierCodecFit } from './carrier-codecs.js';
import type { Carrier } from '../carriers/carrier-plan.js';
import { terminationMediaRefusal } from './media-admission.js';
import { decideTermination, digestTrunk, type ChallengeCause } from './termination-policy.js';
import { refuse, type Refusal, type RefuseContext } from './refuse.js';
import { extensionRefusal } from './refuse-extensions.js';
import { trunkLimitRefusal } from './trunk-admission.js';
import type { TrunkLimits } from './trunk-limits.js';
import type { CarrierLimits } from './carrier-limits.js';

const NO_ROUTE: Refusal = { code: 404, reason: 'Not Found (no route for the dialled number)', cause: 'no_route' };

/** The Warning of every 407: the same for all, and what a PBX admin without credentials needs to read. */
const CHALLENGE_WARNING = 'source IP not whitelisted: send the trunk credentials or whitelist this IP';

export interface TerminationOptions {
  proxy: ProxyDeps;
  snapshot: ConfigSnapshot;
  guard: DigestGuard;
  sipDomain: string;
  /** Host names meaning this gateway (see TerminationContext.localHosts). */
  localHosts: ReadonlySet<string>;
  access: SipPort;
  carrier: SipPort;
  /** The carriers and routes (the operator's plan, or the `--carrier` shortcut's one carrier). */
  router: CarrierRouter;
  trunkLimits: TrunkLimits;
  /** Each carrier's own max calls/s and concurrent calls (skipped like a down URI when over them). */
  carrierLimits?: CarrierLimits;
  /** RFC 3263 for carrier URIs named by a host name (sip-resolver.ts). */
  resolve: (uri: SipUri) => Promise<SipTarget[]>;
  /** A carrier URI answered 503 with Retry-After: hold it down that long (see carrier-prober.ts). */
  onRetryAfter?: (uriId: string, seconds: number) => void;
}

/**
 * INVITE from a PBX on the access side: the termination policy decides, then the call goes to the
 * carrier through `proxyInvite`. Rejections carry a reason phrase and a Warning (RFC 3261 §20.43)
 * that name what the PBX admin has to fix; the status code is exactly the spec's.
 */
export class Termination {
  private readonly warnAgent: string;

  constructor(private readonly o: TerminationOptions) {
    this.warnAgent = formatHost(o.access.advertise);
  }

  handle(tx: InviteServerTransaction): void {
    const req = tx.request;
    const source = tx.source;
    const ruri = safeParseUri(req.uri);
    const callId = getHeader(req, 'call-id') ?? '';
    const proxyAuth = getHeader(req, 'proxy-authorization');
    const credentials = proxyAuth === null ? null : parseAuthorization(proxyAuth);
    const facts = {
      requestHost: (ruri?.host ?? '').toLowerCase(),
      requestUser: ruri?.user ?? null,
      sourceIp: source.address,
      sourceIpInt: peerIpv4(source.address),
      callerId: callerIdOf(req),
      authUsername: credentials?.username ?? null,
      codecOk: offerHasSupportedCodec(req),
      maxForwards: maxForwardsOf(req),
    };
    const ctx = { snapshot: this.o.snapshot, sipDomain: this.o.sipDomain, localHosts: this.o.localHosts };
    // Credentials naming a trunk are verified before the policy decides (it stays pure); any
    // others only once the policy asks for a challenge.
    const claimed = credentials === null ? null : digestTrunk(facts, ctx);
    let auth = claimed === null ? null : this.authenticate(credentials, claimed.sipPassword, source.address);
    const decision = decideTermination({ ...facts, credentialsOk: auth?.kind === 'ok' }, ctx);
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
    const refusal: RefuseContext = { tx, call, deps: this.o.proxy, warnAgent: this.warnAgent };
    if (decision.action === 'challenge') {
      auth ??= this.authenticate(credentials, null, source.address);
      refuse(refusal, this.challenge(decision.cause, auth, source.address));
      return;
    }
    // The admission order of docs/gateway.md: the policy (domain, trunk and source IP, caller ID,
    // dialled number, codecs, Max-Forwards), then Proxy-Require, a carrier route, the trunk's own limits.
    if (decision.action === 'reject') {
      refuse(refusal, decision);
      return;
    }
    const trunk = decision.trunk;
    // A number no carrier route covers is refused before it takes one of the trunk's call slots.
    const choices = this.o.router.choices(decision.callee);
    const refused =
      terminationMediaRefusal(req, source, trunk) ??
      extensionRefusal(req, 'proxy-require') ??
      (choices === null ? NO_ROUTE : null) ??
      trunkLimitRefusal(this.o.trunkLimits, trunk, call);
    if (refused !== null) {
      refuse(refusal, refused);
      return;
    }
    anchorCall(this.o.proxy, call, req, trunk, 'pbx', source.address);
    const replace: SipHeader[] = [];
    if (trunk.externalAlias !== null) {
      const alias = trunk.externalAlias;
      const from = getHeader(req, 'from');
      // Only the user part changes; the rest of the PBX's From goes on as it was sent.
      // An unparseable From was already refused by the policy (no caller ID).
      const value = from === null ? null : withUriUser(from, alias);
      if (value !== null) replace.push({ name: 'from', value });
      replace.push({ name: 'p-asserted-identity', value: `<sip:${alias}@${this.warnAgent}>` });
    }
    const list = choices ?? [];
    const popRoutes = this.preloadedRoutes(getHeaderValues(req, 'route'));
    const go = (resolved: Array<readonly [CarrierChoice, SipTarget[]]>): void =>
      this.proxy(
        tx,
        call,
        replace,
        popRoutes,
        carrierCodecFit(req, trunk),
        resolved.flatMap(([c, ts]) => ts.map((t) => hopOf(c, decision.callee, t))),
      );
    if (list.every((c) => c.uri.literal)) {
      go(list.map((c) => [c, [targetOfUri(c.uri.parsed)]] as const));
      return;
    }
    // Some carrier is named by a host name: RFC 3263 first (cached; a CANCEL meanwhile is seen by the relay).
    void Promise.all(list.map(async (c) => [c, await this.o.resolve(c.uri.parsed).catch(() => [])] as const)).then(go);
  }

  /** Hands the INVITE to the relay with the carrier attempts in order (see CarrierTarget). */
  private proxy(
    tx: InviteServerTransaction,
    call: CallState,
    replace: SipHeader[],
    popRoutes: number,
    fits: (carrier: Carrier) => boolean,
    hops: CarrierHop[],
  ): void {
    const req = tx.request;
    const callId = call.callId;
    const source = tx.source;
    const accessRR = this.o.proxy.signer.recordRoute(this.o.access, source.protocol, callId);
    const attempts: CarrierAttempt[] = [];
    call.attempts = attempts;
    const limits = this.o.carrierLimits;
    const targets = new CarrierTarget({
      hops,
      patienceMs: this.o.proxy.timers.ringTimeoutMs,
      attempts,
      fits,
      ...(this.o.onRetryAfter !== undefined ? { onRetryAfter: this.o.onRetryAfter } : {}),
      ...(limits !== undefined ? { admit: (c) => limits.admit(c) } : {}),
    });
    // The carrier's slot is given back where the trunk's is: on whichever path ends the call.
    const trunkRelease = call.release;
    call.release = () => {
      trunkRelease?.();
      targets.release();
    };
    proxyInvite(this.o.proxy, tx, this.o.carrier, call, {
      callerPort: this.o.access,
      targets,
      build: (t) => {
        const hop = t as CarrierHop;
        call.carrier = hop.carrier.name;
        const offset = hop.cseqOffset;
        const recordRoute = [
          this.o.proxy.signer.recordRoute(
            this.o.carrier,
            hop.target.protocol,
            callId,
            offset > 0 ? `;${CSEQ_ROUTE_PARAM}=${offset}` : '',
          ),
          accessRR,
        ];
        const headers = hop.headers.length === 0 ? replace : [...replace, ...hop.headers];
        const fwd = forwardRequest(req, {
          requestUri: hop.requestUri,
          recordRoute,
          popRoutes,
          dropProxyAuth: true,
          replace: headers,
        });
        return shiftCSeq(fwd, offset);
      },
    });
  }

  private authenticate(credentials: DigestCredentials | null, password: string | null, source: string): DigestOutcome {
    return authenticateDigest(this.o.guard, { credentials, method: 'INVITE', password, source });
  }

  /**
   * The answer to an INVITE the policy wants authenticated. Every 407 is the same whatever the
   * account (see termination-policy.ts); the call log tells the owner why. A first challenge of
   * a credentials trunk, or a fresh one for credentials that answered no live challenge of ours,
   * is routine and not logged; a wrong password is.
   */
  private challenge(cause: ChallengeCause, auth: DigestOutcome, source: string): Refusal {
    if (auth.kind === 'blocked')
      return { code: 403, reason: 'Forbidden (too many failed authentication attempts)', cause: 'auth_failed' };
    const stale = auth.kind === 'challenge' && auth.stale;
    const headers = this.o.guard.challenges(stale, source).map((value) => ({ name: 'proxy-authenticate', value }));
    const logged = auth.kind === 'failed' ? 'auth_failed' : cause === 'ip_not_whitelisted' ? cause : null;
    return { code: 407, reason: 'Proxy Authentication Required', cause: logged, headers, warning: CHALLENGE_WARNING };
  }

  /** Leading Route values naming this gateway's access listener (a PBX's outbound-proxy setting). */
  private preloadedRoutes(routes: string[]): number {
    let n = 0;
    for (const r of routes) {
      const uri = uriOfNameAddr(r);
      const u = uri === null ? null : safeParseUri(uri);
      if (u === null) break;
      const port = u.port ?? 5060;
      const local = this.o.access.listening.some(
        (l) =>
          l.port === port && (l.address === u.host || this.o.access.advertise === u.host || l.address === '0.0.0.0'),
      );
      if (!local) break;
      n++;
    }
    return n;
  }
}

/** The first attempt at one carrier URI: the dialled number at the carrier's host, over the URI's transport. */
function hopOf(c: CarrierChoice, callee: string, target: SipTarget): CarrierHop {
  const u = c.uri;
  return {
    requestUri: `sip:${callee}@${u.hostPort}${u.params}`,
    target,
    // A name resolved by DNS shows where it went: `carrier.example (192.0.2.10:5060)`.
    label: `${u.hostPort}${u.params}${u.literal ? '' : ` (${formatHost(target.address)}:${target.port})`}`,
    carrier: c.carrier,
    uriId: u.uri.id,
    headers: [],
    cseqOffset: 0,
    answered: false,
    carrierMedia: { srtp: c.carrier.srtp, codecs: c.carrier.codecs },
  };
}
