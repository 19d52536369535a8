import { createHmac } from 'node:crypto';

/**
 * The `Vsip-Signature` value of a POST: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the
 * subscription's secret. The timestamp is signed with the body so a captured request cannot be replayed
 * later with a fresh `Vsip-Timestamp` (receivers reject old timestamps, docs/webhooks.md).
 * @see RFC 2104 (HMAC)
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
