import type { MediaFacts } from '../media/media-facts.js';
import type { CallCause } from './call-cause.js';
import { record, type CallRecordSink, type CallState } from './call-record.js';

/** Default of `CallRecordSink.mediaQuietMs`: shorter calls may end before anyone spoke. */
const QUIET_MS = 5000;

/**
 * The cause of an answered call in the light of its media: `no_media` when rtpengine received RTP
 * from neither party, `one_way_audio` when from one only — once the call lasted long enough that
 * silence is not just a quick hang-up. Any other cause (expired, media_timeout) stands.
 */
export function mediaCause(
  cause: CallCause,
  facts: MediaFacts | null,
  answeredMs: number | null,
  quietMs = QUIET_MS,
): CallCause {
  if (cause !== 'completed' || facts === null || answeredMs === null || answeredMs < quietMs) return cause;
  const fromPbx = facts.pbx.packets > 0;
  const fromCarrier = facts.carrier.packets > 0;
  if (!fromPbx && !fromCarrier) return 'no_media';
  if (fromPbx !== fromCarrier) return 'one_way_audio';
  return cause;
}

/**
 * Writes a finished call's record. With an rtpengine session, the session's stats are read and it
 * is deleted first, so the record carries the media facts and the cause they imply.
 */
export function closeCall(deps: CallRecordSink, call: CallState, code: number, cause: CallCause): void {
  const endedAt = Date.now();
  const media = call.media;
  if (media == null) {
    record(deps, call, code, cause, endedAt);
    return;
  }
  void media.end().then((facts) => {
    const answeredMs = call.answeredAt === null ? null : endedAt - call.answeredAt;
    record(deps, call, code, mediaCause(cause, facts, answeredMs, deps.mediaQuietMs), endedAt, facts);
  });
}
