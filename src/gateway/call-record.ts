import type { MediaCall } from '../media/media-call.js';
import type { MediaFacts } from '../media/media-facts.js';
import type { SipSource } from '../sip/index.js';
import type { CallDirection, NewCallRecord } from '../store/types.js';
import type { AnsweredDialog } from './answered-dialog.js';
import type { CallCause } from './call-cause.js';
import type { CallLog } from './call-log.js';
import type { CarrierAttempt } from './carrier-target.js';
import type { CompiledTrunk } from './config-snapshot.js';
import { gatewayChannels } from './gateway-diagnostics.js';
import type { GatewayMetrics } from './gateway-metrics.js';

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
  /** Termination: the name of the carrier that carried (or last tried) the call. */
  carrier?: string | null;
  /** Termination: each carrier attempt (carrier, URI, code), in order; see carrier-target.ts. */
  attempts?: CarrierAttempt[];
  /** Gives back the call's per-trunk slot (TrunkLimits); run once on whichever path ends the call. */
  release?: () => void;
  /** The call's rtpengine session when media is anchored; ended (stats read, deleted) with the call. */
  media?: MediaCall | null;
  /** The INVITE had no SDP: the 2xx carried the offer, so the ACK carries the answer (RFC 3261 §13.2.1). */
  mediaLateOffer?: boolean;
  /** Once answered with media anchored: what the gateway needs to hang the call up itself (media timeout). */
  dialog?: AnsweredDialog;
  /** A `mode: flow` number's call: what the call-routing webhook answered, or why the fallback applied. */
  flowNote?: string;
  /** Its call.initiated (and ringing, answered) events were sent as they happened (live-call-events.ts). */
  liveEvents?: boolean;
}

/** Where a finished call is written: the call log and the call metrics. */
export interface CallRecordSink {
  callLog: CallLog;
  metrics: GatewayMetrics;
  /** An answered call this long with RTP from one side only (or none) ends as one_way_audio (or no_media). */
  mediaQuietMs?: number;
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

/** Writes the call-log record of a finished (or refused) call and counts it. */
export function record(
  deps: CallRecordSink,
  call: CallState,
  code: number,
  cause: CallCause,
  endedAt: number,
  media: MediaFacts | null = null,
): void {
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
    media,
  };
  if (call.carrier !== undefined) rec.carrier = call.carrier;
  if (call.flowNote !== undefined) rec.flowNote = call.flowNote;
  if (call.liveEvents === true) rec.liveEvents = true;
  if (call.attempts !== undefined && call.attempts.length > 0) {
    // The attempt still open when the call ended is the one whose final the caller got.
    for (const a of call.attempts) a.code ??= code;
    rec.carrierAttempts = JSON.stringify(call.attempts);
  }
  deps.callLog.record(rec);
  if (gatewayChannels.call.hasSubscribers) gatewayChannels.call.publish(rec);
}
