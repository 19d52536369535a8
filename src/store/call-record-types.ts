/**
 * Call records as the store keeps them: one attempt each (rejected ones included), the trunk call
 * log's query and the account-wide CDR query with keyset paging. `types.ts` re-exports them.
 */
import type { MediaFacts } from '../media/media-facts.js';
import type { PageRequest } from './types.js';

export type CallDirection = 'termination' | 'origination';

/** One call attempt as the gateway saw it: rejected ones included. */
export interface CallRecord {
  id: string;
  callId: string;
  accountSid: string | null;
  trunkSid: string | null;
  direction: CallDirection;
  caller: string | null;
  callee: string | null;
  sourceIp: string;
  sourcePort: number;
  transport: string;
  /** Final SIP status sent upstream, or null while the call is in progress. */
  finalCode: number | null;
  /** Machine-readable cause: `completed`, `ip_not_whitelisted`, `caller_id_not_mapped`, … */
  cause: string | null;
  /** Where the call was sent (carrier or destination URI), if it got that far. */
  destination: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** Termination through carriers: the carrier that carried the call (or was tried last). */
  carrier?: string | null;
  /** Termination through carriers: JSON list of attempts `{carrier, uri, code}` in order. */
  carrierAttempts?: string | null;
  /** What rtpengine saw of the call's RTP, per party; null when media was not anchored. */
  media?: MediaFacts | null;
  /** A `mode: flow` number's call: what the call-routing webhook answered, or why vsip fell back. */
  flowNote?: string | null;
  /** Not stored: the call's initiated/ringing/answered webhook events were sent live, its end adds the rest. */
  liveEvents?: boolean;
}

export type NewCallRecord = Omit<CallRecord, 'id'>;

/** One trunk's call log, offset-paged, with the CDR filters (`failed` = final code >= 300; `completed` = answered). */
export type CallQuery = PageRequest & CdrFilter;

/** What a CDR query or export may filter on; every field narrows. */
export interface CdrFilter {
  /** ISO-8601 UTC; `from` inclusive, `to` exclusive, on `startedAt`. */
  from?: string;
  to?: string;
  direction?: CallDirection;
  result?: 'failed' | 'completed' | 'all';
  cause?: string;
  /** Canonical E.164: calls where it is the caller or the callee. */
  number?: string;
  callId?: string;
}

/** Account-wide call records (CDRs): filters, newest first, keyset paging. */
export interface CdrQuery extends CdrFilter {
  trunkSid?: string;
  /** Continue after this record (exclusive), as returned in `CdrPage.next`. */
  after?: CdrCursor;
  limit: number;
}

/** A position in the CDR order (`startedAt` desc, then `id` desc). */
export interface CdrCursor {
  startedAt: string;
  id: string;
}

export interface CdrPage {
  items: CallRecord[];
  /** Where the next page starts; null on the last page. */
  next: CdrCursor | null;
}
