import type { MediaAnchor } from '../media/media-anchor.js';
import type { CallRecordSink } from './call-record.js';
import type { DialogTable } from './dialog-table.js';
import type { RouteSigner } from './sip-routing.js';
import type { CallEventSink } from '../webhooks/live-call-events.js';

export interface ProxyTimers {
  /**
   * No response at all from one target within this many ms → next target (RFC 3261 Timer B is 32 s; too long for
   * failover).
   */
  targetTimeoutMs: number;
  /** After a provisional, how long to ring before giving up (RFC 3261 §16.6 step 11, Timer C > 3 min). */
  ringTimeoutMs: number;
}

/** What the relays (initial INVITE, in-dialog requests, ACK) share for the gateway's lifetime. */
export interface ProxyDeps extends CallRecordSink {
  signer: RouteSigner;
  timers: ProxyTimers;
  /** Answered calls, so a BYE can close the call record. */
  dialogs: DialogTable;
  /** rtpengine sessions of anchored calls; null when the gateway runs signalling-only. */
  media: MediaAnchor | null;
  /** With several workers: a BYE relayed here for a call not held here (see GatewayWorker). */
  onForeignBye?: (callId: string) => void;
  /** Webhook call events as calls progress; none: only the call's record raises events, at its end. */
  events?: CallEventSink;
}
