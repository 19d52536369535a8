import type { CallRecord } from '../../client/types.js';
import { mediaFinding } from './media-finding.js';
import { causeInfo, codeClass, SIP_CODES, type TopicKey } from './sip-codes.js';

export interface CallExplanation {
  call_id: string;
  final_code: number | null;
  cause: string | null;
  meaning: string;
  explanation: string;
  fix: string;
  /** `vsip explain <topic>` shows the step-by-step checks. */
  topic: TopicKey | null;
  /** What rtpengine saw of the call's RTP, and what to do about a silent side; null without media facts. */
  media: string | null;
}

/**
 * One logged call in the spec's words: its cause mapped to the troubleshooting row that fixes it.
 * `trunkSid` fills the fix when the record itself does not carry it (the trunk's call log does not).
 */
export function explainCall(call: CallRecord, trunkSid?: string): CallExplanation {
  const trunk = call.trunk_sid ?? trunkSid ?? null;
  const code = call.final_code;
  // A cause without a code of its own (`rejected`) is explained by the final code's row.
  const known = call.cause ? causeInfo(call.cause) : undefined;
  const byCause = known?.code === null ? undefined : known;
  const info = code !== null ? SIP_CODES.get(code) : undefined;
  const cls = code !== null ? codeClass(code) : null;
  const meaning = code === null ? 'in progress' : `${code} ${info?.meaning ?? cls?.category ?? ''}`.trim();
  if (byCause) {
    return {
      call_id: call.call_id,
      final_code: code,
      cause: call.cause,
      meaning,
      explanation: byCause.explanation,
      fix: fill(byCause.fix, call, trunk),
      topic: byCause.topic ?? info?.topic ?? null,
      media: mediaFinding(call),
    };
  }
  return {
    call_id: call.call_id,
    final_code: code,
    cause: call.cause,
    meaning,
    explanation: info?.cause ?? info?.description ?? cls?.meaning ?? 'No final response yet',
    fix: fill(info?.solution ?? cls?.solution ?? 'Wait for the call to end', call, trunk),
    topic: info?.topic ?? null,
    media: mediaFinding(call),
  };
}

/** Puts the call's own trunk, source IP and numbers into the fix, so it can be pasted. */
function fill(text: string, call: CallRecord, trunk: string | null): string {
  let out = text;
  if (trunk) out = out.replaceAll('<trunk_sid>', trunk);
  if (call.source_ip) out = out.replace('<your_pbx_public_ip>', call.source_ip);
  if (call.caller) out = out.replace('<caller_id>', call.caller);
  if (call.callee) out = out.replace('<number>', call.callee);
  return out;
}
