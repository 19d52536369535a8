import { randomBytes } from 'node:crypto';
import type { NewCallRecord } from '../store/types.js';
import type { WebhookEvent } from '../store/webhook-types.js';

const eventId = (): string => `evt_${randomBytes(12).toString('hex')}`;

/**
 * The webhook events of finished call records: `call.initiated` and `call.answered` unless they
 * were sent live, then `call.completed` (answered) or `call.failed` (a final code of 300 or more,
 * with the SIP code and vsip's cause), with the media facts when the call was anchored. A digest challenge is not a
 * call (the caller retries with credentials), and a record of no account has nobody to tell.
 */
export function callEvents(records: readonly NewCallRecord[]): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  for (const r of records) {
    if (r.accountSid === null || r.cause === 'auth_required') continue;
    const data = {
      call_id: r.callId,
      direction: r.direction,
      from: r.caller,
      to: r.callee,
      source: `${r.transport}:${r.sourceIp}:${r.sourcePort}`,
      destination: r.destination,
    };
    const ev = (type: string, at: string, extra: Record<string, unknown> = {}): void => {
      out.push({
        id: eventId(),
        type,
        accountSid: r.accountSid as string,
        trunkSid: r.trunkSid,
        createdAt: at,
        data: { ...data, ...extra },
      });
    };
    // A call sent on had its initiated/ringing/answered events as they happened (live-call-events.ts).
    const live = r.liveEvents === true;
    if (!live) ev('call.initiated', r.startedAt);
    const code = r.finalCode ?? 0;
    // What rtpengine saw of the call's RTP, when the media plane anchored it.
    const media = r.media == null ? {} : { media: r.media };
    if (r.answeredAt !== null && code < 300) {
      if (!live) ev('call.answered', r.answeredAt, { sip_code: code });
      ev('call.completed', r.endedAt ?? r.answeredAt, {
        sip_code: code,
        cause: r.cause,
        duration_ms: r.durationMs,
        ...media,
      });
    } else if (code >= 300) {
      ev('call.failed', r.endedAt ?? r.startedAt, { sip_code: code, cause: r.cause, ...media });
    }
  }
  return out;
}
