import { isIP } from 'node:net';
import type { CallCause } from './call-cause.js';
import { trunkAllowsIp, type CompiledTrunk, type ConfigSnapshot } from './config-snapshot.js';
import { normalizeE164 } from './phone-number.js';

/** What the termination policy needs to know about one INVITE, extracted once by the caller. */
export interface TerminationFacts {
  /** Request-URI host, lower-case. */
  requestHost: string;
  /** Request-URI user part (the dialled number as sent). */
  requestUser: string | null;
  sourceIp: string;
  /** `sourceIp` as uint32 (`peerIpv4`), null for IPv6. */
  sourceIpInt: number | null;
  /** P-Asserted-Identity user, else From user, as sent. */
  callerId: string | null;
  /** Digest username from Proxy-Authorization, when present. */
  authUsername: string | null;
  /**
   * The Proxy-Authorization verified against the password of `digestTrunk(facts, ctx)` (the
   * caller verifies: the policy does no hashing and keeps no failure counts).
   */
  credentialsOk: boolean;
  /** null = no SDP in the INVITE (late offer); otherwise whether PCMU, PCMA or G.729 is offered. */
  codecOk: boolean | null;
  /** Max-Forwards value; null when absent (RFC 3261 §16.6 step 3 treats that as 70). */
  maxForwards: number | null;
}

export interface TerminationContext {
  snapshot: ConfigSnapshot;
  /** Lower-case SIP domain, e.g. `pstn.exotel.com`: Request-URI hosts are `<account_sid>.<domain>`. */
  sipDomain: string;
  /** Lower-case host names that mean this gateway (its advertised name), besides IP literals and `sipDomain`. */
  localHosts: ReadonlySet<string>;
}

export type TerminationDecision =
  | {
      action: 'reject';
      code: number;
      reason: string;
      cause: CallCause;
      trunk: CompiledTrunk | null;
      caller: string | null;
      callee: string | null;
    }
  | {
      action: 'challenge';
      cause: ChallengeCause;
      trunk: CompiledTrunk | null;
      caller: string | null;
      callee: string | null;
    }
  | { action: 'proxy'; trunk: CompiledTrunk; caller: string; callee: string };

/**
 * Why a 407 is sent, for the call log: `auth_required` a routine first challenge (a trunk of the
 * account takes credentials; not logged), `auth_failed` credentials that did not verify,
 * `ip_not_whitelisted` a source no trunk whitelists, addressed to an account none of whose trunks
 * takes credentials — the same 407 on the wire, so the owner sees why in the call log while a
 * scanner learns nothing.
 */
export type ChallengeCause = 'auth_required' | 'auth_failed' | 'ip_not_whitelisted';

/**
 * The trunk a Proxy-Authorization's username (= trunk_sid) names, when that trunk may authenticate
 * this INVITE: active, taking credentials, and of the account the Request-URI names (or a host of
 * ours naming no account; never a foreign domain). The
 * caller verifies the credentials against its password (a dummy one when null, so an unknown
 * username costs the same hash work) and passes the result as `credentialsOk`.
 */
export function digestTrunk(
  f: Pick<TerminationFacts, 'authUsername' | 'requestHost'>,
  ctx: TerminationContext,
): CompiledTrunk | null {
  if (f.authUsername === null) return null;
  const t = ctx.snapshot.getTrunk(f.authUsername);
  if (t === undefined || !t.active || t.authType === 'ip_whitelist') return null;
  const accountSid = accountFromHost(f.requestHost, ctx.sipDomain);
  // A foreign domain is refused before any trunk is looked at: nothing to verify (or count).
  if (accountSid === null) return servesHost(f.requestHost, ctx) ? t : null;
  return t.accountSid === accountSid ? t : null;
}

/**
 * Decides one INVITE from a PBX, in the order the spec's troubleshooting guide walks through:
 * trunk and source IP (403), caller ID mapped (403), dialled number E.164 (404), codecs (488),
 * Max-Forwards (483). Pure: no I/O, the snapshot is read-only here.
 *
 * No enumeration: a source no trunk of the named account whitelists gets the same 407 challenge
 * for every `<account_sid>.<domain>` — an account with credentials trunks, one without, one that
 * does not exist — and a wrong answer to it the same 407 again (an unknown trunk, a wrong
 * password). Challenging is what lets a credentials PBX in at all; refusing it only where the
 * account has no credentials trunk would tell a scanner which accounts exist. A host naming no
 * account (the bare SIP domain, an IP literal) gets 403 (source IP not whitelisted), whoever asks.
 *
 * Late offer (INVITE without SDP, RFC 3261 §13.2.1): accepted and proxied; the codec check then
 * cannot run on the INVITE and the carrier's offer in the 200 decides (documented in
 * docs/gateway.md).
 */
export function decideTermination(f: TerminationFacts, ctx: TerminationContext): TerminationDecision {
  const { snapshot } = ctx;
  const caller = normalizeE164(f.callerId);
  const callee = normalizeE164(f.requestUser);
  const rawCallee = f.requestUser;

  const accountSid = accountFromHost(f.requestHost, ctx.sipDomain);
  // A call addressed to someone else's domain is not ours to carry, whoever sends it: refused
  // before any trunk is looked at, so the answer is the same for every source.
  if (accountSid === null && !servesHost(f.requestHost, ctx)) {
    return {
      action: 'reject',
      code: 403,
      reason: 'Forbidden (domain not served here)',
      cause: 'unknown_domain',
      trunk: null,
      caller,
      callee: callee ?? rawCallee,
    };
  }
  const accountTrunks = accountSid === null ? undefined : snapshot.trunksOfAccount(accountSid);

  // 1. Digest identification (username = trunk_sid) for trunks that use credentials.
  if (f.authUsername !== null) {
    const t = digestTrunk(f, ctx);
    if (t !== null) {
      if (!f.credentialsOk)
        return { action: 'challenge', cause: 'auth_failed', trunk: t, caller, callee: callee ?? rawCallee };
      if (t.authType === 'ip_whitelist_and_credentials' && !trunkAllowsIp(t, f.sourceIpInt))
        return ipReject(t, caller, callee ?? rawCallee);
      return afterTrunk(t, f, caller, callee, rawCallee);
    }
    // Unknown username: fall through to IP identification; a credentials trunk re-challenges below.
  }

  // 2. Source-IP identification, restricted to the account named in the Request-URI host.
  const matches = snapshot.trunksForIp(f.sourceIpInt);
  let best: CompiledTrunk | null = null;
  for (const t of matches) {
    if (!t.active || t.authType === 'credentials') continue;
    if (accountSid !== null && t.accountSid !== accountSid) continue;
    if (best === null || (caller !== null && t.numbers.has(caller) && !best.numbers.has(caller))) best = t;
  }
  if (best !== null) {
    if (best.authType === 'ip_whitelist_and_credentials') {
      return {
        action: 'challenge',
        cause: f.authUsername === null ? 'auth_required' : 'auth_failed',
        trunk: best,
        caller,
        callee: callee ?? rawCallee,
      };
    }
    return afterTrunk(best, f, caller, callee, rawCallee);
  }

  // 3. Nothing whitelists this source: an account's domain challenges (the same for every account,
  // see above); a host naming no account refuses.
  const attributed = attribute(snapshot, accountSid, accountTrunks, caller);
  if (accountSid === null) return ipReject(attributed, caller, callee ?? rawCallee);
  let takesCredentials = false;
  if (accountTrunks !== undefined)
    for (const t of accountTrunks) if (t.active && t.authType === 'credentials') takesCredentials = true;
  const cause = f.authUsername !== null ? 'auth_failed' : takesCredentials ? 'auth_required' : 'ip_not_whitelisted';
  return { action: 'challenge', cause, trunk: attributed, caller, callee: callee ?? rawCallee };
}

type Reject = Extract<TerminationDecision, { action: 'reject' }>;

/** One INVITE once its trunk is known: the normalised numbers beside the facts. */
interface Identified {
  t: CompiledTrunk;
  f: TerminationFacts;
  caller: string | null;
  callee: string | null;
  rawCallee: string | null;
}

/**
 * The checks after identification, in the order of docs/gateway.md's table (the spec's
 * troubleshooting order): the first that fails answers.
 */
const AFTER_TRUNK: ReadonlyArray<(c: Identified) => Reject | null> = [
  // the account is not suspended by the operator (only now, once the caller proved who it is)
  ({ t, caller, callee, rawCallee }) =>
    t.accountSuspended
      ? {
          action: 'reject',
          code: 403,
          reason: 'Forbidden (account suspended)',
          cause: 'account_suspended',
          trunk: t,
          caller,
          callee: callee ?? rawCallee,
        }
      : null,
  // caller ID (P-Asserted-Identity, else From user) mapped to that trunk
  ({ t, f, caller, callee, rawCallee }) =>
    caller === null || !t.numbers.has(caller)
      ? {
          action: 'reject',
          code: 403,
          reason: 'Forbidden (caller ID not mapped to trunk)',
          cause: 'caller_id_not_mapped',
          trunk: t,
          caller: caller ?? f.callerId,
          callee: callee ?? rawCallee,
        }
      : null,
  // dialled number E.164
  ({ t, caller, callee, rawCallee }) =>
    callee === null
      ? {
          action: 'reject',
          code: 404,
          reason: 'Not Found (dialled number is not E.164)',
          cause: 'invalid_number',
          trunk: t,
          caller,
          callee: rawCallee,
        }
      : null,
  // the SDP offer has PCMU, PCMA or G.729 (late offer passes, see above)
  ({ t, f, caller, callee }) =>
    f.codecOk === false
      ? {
          action: 'reject',
          code: 488,
          reason: 'Not Acceptable Here (offer PCMU, PCMA or G729)',
          cause: 'codec_not_supported',
          trunk: t,
          caller,
          callee,
        }
      : null,
  // Max-Forwards > 0 (RFC 3261 §16.3 item 3)
  ({ t, f, caller, callee }) =>
    f.maxForwards !== null && f.maxForwards <= 0
      ? { action: 'reject', code: 483, reason: 'Too Many Hops', cause: 'max_forwards', trunk: t, caller, callee }
      : null,
];

function afterTrunk(
  t: CompiledTrunk,
  f: TerminationFacts,
  caller: string | null,
  callee: string | null,
  rawCallee: string | null,
): TerminationDecision {
  const c: Identified = { t, f, caller, callee, rawCallee };
  for (const check of AFTER_TRUNK) {
    const refused = check(c);
    if (refused !== null) return refused;
  }
  // The first two checks passed: both numbers are set.
  return { action: 'proxy', trunk: t, caller: caller as string, callee: callee as string };
}

function ipReject(trunk: CompiledTrunk | null, caller: string | null, callee: string | null): TerminationDecision {
  return {
    action: 'reject',
    code: 403,
    reason: 'Forbidden (source IP not whitelisted)',
    cause: 'ip_not_whitelisted',
    trunk,
    caller,
    callee,
  };
}

function servesHost(host: string, ctx: TerminationContext): boolean {
  return isIP(host) !== 0 || host === ctx.sipDomain || ctx.localHosts.has(host);
}

/**
 * Which trunk a rejected call is logged under, so its owner sees it in the trunk's call log:
 * the account's trunk mapping the caller ID, else the account's only trunk, else none. A PBX that
 * addresses the gateway by IP names no account; its refused call still goes to the trunk mapping
 * its caller ID, because "403, my IP is not whitelisted" is the owner's most common first-call
 * failure. (The owner also sees strangers' attempts with the trunk's numbers that way.)
 */
function attribute(
  snapshot: ConfigSnapshot,
  accountSid: string | null,
  accountTrunks: ReadonlySet<CompiledTrunk> | undefined,
  caller: string | null,
): CompiledTrunk | null {
  if (caller !== null) {
    const t = snapshot.trunkForNumber(caller);
    if (t !== undefined && (accountSid === null || t.accountSid === accountSid)) return t;
  }
  if (accountTrunks !== undefined && accountTrunks.size === 1) {
    for (const t of accountTrunks) return t;
  }
  return null;
}

/** `<account_sid>` from `<account_sid>.<sip domain>`, or null for any other host. */
export function accountFromHost(host: string, sipDomain: string): string | null {
  const dl = sipDomain.length;
  if (host.length <= dl + 1 || host.charCodeAt(host.length - dl - 1) !== 46) return null;
  if (host.slice(host.length - dl).toLowerCase() !== sipDomain) return null;
  return host.slice(0, host.length - dl - 1);
}
