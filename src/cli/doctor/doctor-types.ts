import type { CallRecord } from '../../client/types.js';
import type { CallExplanation } from '../knowledge/explain-call.js';
import type { ChecklistRow } from '../knowledge/sip-codes.js';

/** `warn`: works, but risky (a whitelist wider than /16); does not fail the run. */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'warn';

/** One row of the spec's checklist, as run. */
export interface DoctorCheck {
  n: number;
  id: ChecklistRow;
  check: string;
  verify: string;
  status: CheckStatus;
  detail: string;
  /** The spec's fix, filled in for this trunk; null unless the row failed or warns. */
  fix: string | null;
  /** Per-address results of the network checks. */
  targets?: unknown[];
}

export interface DoctorReport {
  trunk_sid: string;
  direction: 'termination' | 'origination';
  passed: boolean;
  checks: DoctorCheck[];
  recent_failed_calls: Array<{ call: CallRecord; explanation: CallExplanation }>;
  /** The gateway's media plane (from /health): anchored through rtpengine or signalling-only. */
  media?: { mode: string; detail: string } | null;
  /** Answered calls whose audio failed (no_media, one_way_audio, media_timeout), with what rtpengine saw. */
  recent_media_problems?: Array<{ call: CallRecord; explanation: CallExplanation }>;
}

export interface DoctorOptions {
  trunkSid: string;
  /** What looking the trunk up by SID or name said when nothing matched (with its "did you mean"). */
  trunkNotFound?: string;
  direction: 'termination' | 'origination';
  pbxIp?: string;
  number?: string;
  gateway: { host: string; sipPort: number; sipsPort: number };
  ca?: string[];
  timeoutMs: number;
  callsLimit: number;
  /** Called before each slow (network) step, for a progress line. */
  onProgress?: (what: string) => void;
}
