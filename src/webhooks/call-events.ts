import { randomBytes } from 'node:crypto';
import type { NewCallRecord } from '../store/types.js';
import type { WebhookEvent } from '../store/webhook-types.js';

const eventId = (): string => `evt_${randomBytes(12).toString('hex')}`;

/**
 * The webhook events of finished call records: `call.initiated`, then `call.ringing` and
 * `call.answered` when the record shows them, then `call.completed` (answered) or `call.failed`
 * (a final code of 300 or more, with the SIP code and vsip's cause). A digest challenge is not a
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
    ev('call.initiated', r.startedAt);
    const code = r.finalCode ?? 0;
    if (r.answeredAt !== null && code < 300) {
      ev('call.answered', r.answeredAt, { sip_code: code });
      ev('call.completed', r.endedAt ?? r.answeredAt, { sip_code: code, cause: r.cause, duration_ms: r.durationMs });
    } else if (code >= 300) {
      ev('call.failed', r.endedAt ?? r.startedAt, { sip_code: code, cause: r.cause });
    }
  }
  return out;
}
