import { ownString } from '../sip/message/own-string.js';
import type { SipRequest, SipResponse } from '../sip/message/types.js';
import type { ClientTransaction, InviteClientTransaction, InviteServerTransaction } from '../sip/transaction/index.js';
import type { SipSource, SipTarget } from '../sip/transport/transport.js';
import type { CallDirection, NewCallRecord } from '../store/types.js';
import { gatewayChannels } from './gateway-diagnostics.js';
import { causeForStatus, type CallCause } from './call-cause.js';
import type { CallLog } from './call-log.js';
import type { CompiledTrunk } from './config-snapshot.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { SipPort } from './sip-port.js';
import { headerValue, stripTopVia, type RouteSigner } from './sip-routing.js';

/** One place to send an INVITE: the Request-URI to write and the transport target. */
export interface ProxyTarget {
  requestUri: string;
  target: SipTarget;
  /** What the call log shows as destination. */
  label: string;
}

export interface ProxyTimers {
  /** No response at all from one target within this many ms → next target (RFC 3261 Timer B is 32 s; too long for failover). */
  targetTimeoutMs: number;
  /** After a provisional, how long to ring before giving up (RFC 3261 §16.6 step 11, Timer C > 3 min). */
  ringTimeoutMs: number;
}

/** A call in progress or answered, until its BYE. */
export interface CallState {
  direction: CallDirection;
  trunk: CompiledTrunk | null;
  callId: string;
  caller: string | null;
  callee: string | null;
  source: SipSource;
  startedAt: number;
  answeredAt: number | null;
  destination: string | null;
  /** Gives back the call's per-trunk slot (TrunkLimits); run once on whichever path ends the call. */
  release?: () => void;
}

export interface ProxyDeps {
  callLog: CallLog;
  metrics: GatewayMetrics;
  signer: RouteSigner;
  timers: ProxyTimers;
  /** Answered calls by Call-ID, so a BYE can close the call record (bounded by `maxDialogs`). */
  dialogs: Map<string, CallState>;
  maxDialogs: number;
  /** With several workers: a BYE relayed here for a call not held here (see GatewayWorker). */
  onForeignBye?: (callId: string) => void;
}

interface Attempt {
  tx: ClientTransaction;
  request: SipRequest;
  target: ProxyTarget;
  provisional: boolean;
  timer: NodeJS.Timeout | null;
  cancelSent: boolean;
}

/**
 * Stateful forwarding of one initial INVITE (RFC 3261 §16): one client transaction at a time,
 * tried in order (serial forking over the targets), provisional and final responses relayed
 * upstream without our Via, CANCEL turned into a CANCEL downstream and a 487 upstream, and
 * failover to the next target on transport error, no response in `targetTimeoutMs`, or a 5xx.
 */
export function proxyInvite(
  deps: ProxyDeps,
  server: InviteServerTransaction,
  out: SipPort,
  targets: ProxyTarget[],
  build: (target: ProxyTarget) => SipRequest,
  call: CallState,
  failover: boolean,
): void {
  let index = 0;
  let attempt: Attempt | null = null;
  let lastFinal: SipResponse | null = null;
  let lastError: 'timeout' | 'transport' | null = null;
  let done = false;
  deps.metrics.callStarted(call.direction);

  const finish = (code: number, cause: CallCause): void => {
    if (done) return;
    done = true;
    server.removeAllListeners('cancel');
    server.removeAllListeners('transportError');
    deps.metrics.callEnded(call.direction);
    call.release?.();
    record(deps, call, code, cause, Date.now());
  };

  const clearTimer = (a: Attempt): void => {
    if (a.timer !== null) clearTimeout(a.timer);
    a.timer = null;
  };

  const sendCancel = (a: Attempt): void => {
    if (a.cancelSent) return;
    a.cancelSent = true;
    try {
      out.cancel(a.tx as InviteClientTransaction); // §9.1: same branch, Call-ID, From, To, CSeq number, Route
    } catch {
      /* the INVITE transaction times out on its own */
    }
  };

  const failAll = (): void => {
    attempt = null;
    if (server.cancelled) return;
    if (lastFinal !== null) {
      server.respond(stripTopVia(lastFinal));
      finish(lastFinal.status, failover ? 'destination_failed' : causeForStatus(lastFinal.status));
      return;
    }
    if (failover) {
      server.reply(503, 'Service Unavailable (no destination URI answered)');
      finish(503, 'destination_failed');
    } else if (lastError === 'timeout') {
      server.reply(504, 'Server Time-out (carrier did not answer)');
      finish(504, 'timeout');
    } else {
      server.reply(503, 'Service Unavailable (carrier unreachable)');
      finish(503, 'carrier_error');
    }
  };

  const next = (): void => {
    if (done) return;
    if (server.cancelled) {
      // The cancelled branch died (timeout, transport error) without a final: answer for it.
      attempt = null;
      server.reply(487, 'Request Terminated');
      finish(487, 'cancelled');
      return;
    }
    const target = targets[index++];
    if (target === undefined) return failAll();
    const request = build(target);
    let tx: ClientTransaction;
    try {
      tx = out.sendRequest(request, target.target);
    } catch {
      lastError = 'transport';
      return next();
    }
    const a: Attempt = { tx, request, target, provisional: false, timer: null, cancelSent: false };
    attempt = a;
    call.destination = target.label;
    a.timer = setTimeout(() => {
      a.timer = null;
      if (attempt !== a || done) return;
      if (!a.provisional) {
        // Nothing heard: abandon this target (no CANCEL before a provisional, §9.1) and move on.
        lastError = 'timeout';
        a.tx.terminate();
        return next();
      }
      sendCancel(a);
    }, deps.timers.targetTimeoutMs);

    tx.on('provisional', (res: SipResponse) => {
      if (attempt !== a) return;
      if (!a.provisional) {
        a.provisional = true;
        clearTimer(a);
        a.timer = setTimeout(() => {
          a.timer = null;
          if (attempt === a && !done) sendCancel(a);
        }, deps.timers.ringTimeoutMs);
      }
      if (res.status > 100 && !server.cancelled) server.respond(stripTopVia(res));
    });
    tx.on('final', (res: SipResponse, retransmission: boolean) => {
      if (res.status >= 200 && res.status < 300) {
        // 2xx: relayed, retransmissions too (RFC 6026 §8.4); the UAC's ACK travels end to end.
        server.respond(stripTopVia(res));
        if (retransmission || attempt !== a) return;
        clearTimer(a);
        attempt = null;
        releaseAnswered(server, a.tx);
        if (!done) {
          done = true;
          call.answeredAt = Date.now();
          if (deps.dialogs.size >= deps.maxDialogs) {
            const oldest = deps.dialogs.keys().next().value;
            if (oldest !== undefined) endDialog(deps, oldest, 200, 'completed');
          }
          call.callId = ownString(call.callId); // held for the call's length: not a view on the INVITE's text
          deps.dialogs.set(call.callId, call);
        }
        return;
      }
      if (attempt !== a) return;
      clearTimer(a);
      if (server.cancelled) {
        // The downstream answer to our CANCEL (normally 487) is the caller's final (§16.7).
        attempt = null;
        server.respond(stripTopVia(res));
        finish(res.status, 'cancelled');
        return;
      }
      if (failover && (res.status >= 500 || res.status === 408) && index < targets.length) {
        lastFinal = res;
        return next();
      }
      attempt = null;
      if (failover && res.status >= 500) {
        lastFinal = res;
        return failAll();
      }
      if (a.cancelSent) {
        // We cancelled it (ring timeout, §16.8 Timer C): the caller did not hang up, so no 487 for it.
        server.reply(480, 'Temporarily Unavailable (no answer)');
        finish(480, 'no_answer');
        return;
      }
      server.respond(stripTopVia(res));
      finish(res.status, causeForStatus(res.status));
    });
    tx.on('timeout', () => {
      if (attempt !== a) return;
      clearTimer(a);
      lastError = 'timeout';
      next();
    });
    tx.on('transportError', () => {
      if (attempt !== a) return;
      clearTimer(a);
      lastError = 'transport';
      next();
    });
  };

  server.on('cancel', () => {
    // §16.10: CANCEL the pending branch. Its final response (487, or a 2xx that crossed the CANCEL)
    // is relayed as usual, so a race ends in a dialog the UAC can BYE rather than a stranded leg.
    const a = attempt;
    if (a !== null && a.provisional) {
      clearTimer(a);
      sendCancel(a);
      // A downstream that never answers the CANCEL must not keep the caller waiting (8·T1).
      a.timer = setTimeout(() => {
        a.timer = null;
        if (done) return;
        attempt = null;
        server.reply(487, 'Request Terminated');
        finish(487, 'cancelled');
      }, 4000);
      return;
    }
    if (a !== null) {
      // No provisional yet: §9.1 forbids a CANCEL; stop retransmitting and let the branch die.
      clearTimer(a);
      a.tx.terminate();
    }
    attempt = null;
    server.reply(487, 'Request Terminated');
    finish(487, 'cancelled');
  });
  server.on('transportError', () => {
    const a = attempt;
    if (a !== null && a.provisional) sendCancel(a);
    finish(500, 'rejected');
  });

  next();
}

/**
 * The INVITE was answered: from now on the client transaction (Accepted, Timer M, 32 s) only
 * passes 2xx retransmissions up and the server transaction relays them (RFC 6026). Swap this
 * call's handlers for one that holds nothing but the server transaction, made out here so that
 * its closure does not share proxyInvite's scope — otherwise the targets, built requests and
 * attempt state would stay reachable for 32 s after every answered call.
 */
function releaseAnswered(server: InviteServerTransaction, tx: ClientTransaction): void {
  server.removeAllListeners('cancel');
  server.removeAllListeners('transportError');
  for (const event of ['provisional', 'final', 'timeout', 'transportError']) tx.removeAllListeners(event);
  tx.on('final', (res: SipResponse) => {
    if (res.status >= 200 && res.status < 300) server.respond(stripTopVia(res));
  });
}

/** A call ended by BYE (or pushed out of the bounded table): its record is written now. */
export function endDialog(deps: ProxyDeps, callId: string, code: number, cause: CallCause): void {
  const call = deps.dialogs.get(callId);
  if (call === undefined) return;
  deps.dialogs.delete(callId);
  deps.metrics.callEnded(call.direction);
  call.release?.();
  record(deps, call, code, cause, Date.now());
}

/**
 * Closes answered calls older than `maxAgeMs` whose BYE never passed through us (a PBX that
 * crashed, a BYE sent around the proxy). `dialogs` is in answer order, so the scan stops at the
 * first younger call.
 */
export function sweepDialogs(deps: ProxyDeps, maxAgeMs: number, now: number): number {
  let n = 0;
  for (const [callId, call] of deps.dialogs) {
    if (call.answeredAt === null || now - call.answeredAt < maxAgeMs) break;
    endDialog(deps, callId, 200, 'expired');
    n++;
  }
  return n;
}

let isoSecond = -1;
let isoText = '';

/** Store timestamps have second precision; thousands of records share one formatted second. */
function iso(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond) {
    isoSecond = sec;
    isoText = `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
  }
  return isoText;
}

export function record(deps: Pick<ProxyDeps, 'callLog' | 'metrics'>, call: CallState, code: number, cause: CallCause, endedAt: number): void {
  deps.metrics.call(call.direction, code, cause);
  const rec: NewCallRecord = {
    callId: call.callId,
    accountSid: call.trunk?.accountSid ?? null,
    trunkSid: call.trunk?.sid ?? null,
    direction: call.direction,
    caller: call.caller,
    callee: call.callee,
    sourceIp: call.source.address,
    sourcePort: call.source.port,
    transport: call.source.protocol,
    finalCode: code,
    cause,
    destination: call.destination,
    startedAt: iso(call.startedAt),
    answeredAt: call.answeredAt === null ? null : iso(call.answeredAt),
    endedAt: iso(endedAt),
    durationMs: call.answeredAt === null ? null : endedAt - call.answeredAt,
  };
  deps.callLog.record(rec);
  if (gatewayChannels.call.hasSubscribers) gatewayChannels.call.publish(rec);
}

export function callIdOf(req: SipRequest): string {
  return headerValue(req, 'call-id') ?? '';
}
