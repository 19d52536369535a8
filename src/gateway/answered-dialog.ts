import {
  getHeader,
  splitHeaderValues,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';
import type { SipPort } from './sip-port.js';
import { tagOf } from './sdp-body.js';
import { uriOfNameAddr, type RouteSigner } from './sip-routing.js';

/**
 * What the gateway keeps of an answered dialog so that it can end it itself (media timeout): both
 * parties' targets and Contacts, the route set, the tagged From and To, and the highest CSeq each
 * party used (RFC 3261 §12.2.1.1: a new request takes a higher one).
 */
export interface AnsweredDialog {
  callerPort: SipPort;
  calleePort: SipPort;
  callerTarget: SipTarget;
  calleeTarget: SipTarget;
  callerContact: string | null;
  calleeContact: string | null;
  /** From of the INVITE and To of the 2xx, with their tags. */
  from: string;
  to: string;
  callerTag: string;
  /** Record-Route of the 2xx, top first. */
  routes: string[];
  cseq: { caller: number; callee: number };
}

function contactUri(msg: SipRequest | SipResponse): string | null {
  const c = getHeader(msg, 'contact');
  return c === null ? null : uriOfNameAddr(splitHeaderValues(c)[0] ?? '');
}

export function answeredDialog(
  invite: SipRequest,
  ok: SipResponse,
  ports: { caller: SipPort; callee: SipPort },
  targets: { caller: SipTarget; callee: SipTarget },
): AnsweredDialog {
  const routes: string[] = [];
  for (const h of ok.headers) if (h.name === 'record-route') for (const v of splitHeaderValues(h.value)) routes.push(v);
  return {
    callerPort: ports.caller,
    calleePort: ports.callee,
    callerTarget: targets.caller,
    calleeTarget: targets.callee,
    callerContact: contactUri(invite),
    calleeContact: contactUri(ok),
    from: getHeader(invite, 'from') ?? '',
    to: getHeader(ok, 'to') ?? '',
    callerTag: tagOf(invite, 'from'),
    routes,
    cseq: { caller: Number.parseInt(getHeader(invite, 'cseq') ?? '1', 10) || 1, callee: 0 },
  };
}

/** An in-dialog request passed through: its sender's CSeq is the new floor for ours. */
export function noteCseq(d: AnsweredDialog, req: SipRequest): void {
  const n = Number.parseInt(getHeader(req, 'cseq') ?? '', 10);
  if (!Number.isFinite(n)) return;
  const side = tagOf(req, 'from') === d.callerTag ? 'caller' : 'callee';
  if (n > d.cseq[side]) d.cseq[side] = n;
}

/**
 * The gateway ends an answered call itself: a BYE to each party as if from the other (RFC 3261
 * §15.1.1), along the route set past our own entries (§12.2.1.1), to its Contact. The caller's
 * BYE goes to where its requests came from (a NATed PBX only lets that in).
 */
export function byeBothLegs(d: AnsweredDialog, callId: string, signer: RouteSigner): void {
  const notOurs = (r: string): boolean => signer.isOurs(r, callId) !== true;
  // Toward the callee: the caller's view of the route set (reversed), after our entries.
  const towardCallee = [...d.routes].reverse();
  while (towardCallee.length > 0 && !notOurs(towardCallee[0] as string)) towardCallee.shift();
  const towardCaller = [...d.routes];
  while (towardCaller.length > 0 && !notOurs(towardCaller[0] as string)) towardCaller.shift();
  const bye = (uri: string, routes: string[], from: string, to: string, cseq: number): SipRequest => {
    const headers: SipHeader[] = [{ name: 'max-forwards', value: '70' }];
    for (const r of routes) headers.push({ name: 'route', value: r });
    headers.push(
      { name: 'from', value: from },
      { name: 'to', value: to },
      { name: 'call-id', value: callId },
      { name: 'cseq', value: `${cseq} BYE` },
      { name: 'reason', value: 'SIP;cause=408;text="media timeout: no RTP"' },
    );
    return { kind: 'request', method: 'BYE', uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  };
  const send = (port: SipPort, req: SipRequest, target: SipTarget): void => {
    try {
      port.sendRequest(req, target);
    } catch {
      /* unreachable now: its own session timers end it */
    }
  };
  if (d.calleeContact !== null)
    send(d.calleePort, bye(d.calleeContact, towardCallee, d.from, d.to, d.cseq.caller + 1), d.calleeTarget);
  if (d.callerContact !== null)
    send(d.callerPort, bye(d.callerContact, towardCaller, d.to, d.from, d.cseq.callee + 1), d.callerTarget);
}
