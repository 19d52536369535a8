import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers as Node's `IncomingMessage#headers`, a `Headers` object, or a plain record. */
export type WebhookHeaders = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | null {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name);
  }
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/**
 * True when a webhook POST comes from vsip with this subscription's secret: `Vsip-Signature` holds
 * `v1=<hex HMAC-SHA256(secret, Vsip-Timestamp + "." + raw body)>` and the timestamp is within
 * `toleranceSec` of now (an old, captured request replayed is refused). Pass the body exactly as
 * received, before any JSON parsing. Compared in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  toleranceSec = 300,
  nowSec: number = Math.floor(Date.now() / 1000),
): boolean {
  const ts = header(headers, 'vsip-timestamp');
  const sig = header(headers, 'vsip-signature');
  if (ts === null || sig === null || !/^[0-9]{1,12}$/.test(ts)) return false;
  if (Math.abs(nowSec - Number(ts)) > toleranceSec) return false;
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${ts}.`, 'utf8'), body]))
    .digest();
  // Several `v1=` values may be sent while a secret is being rotated: any one may match.
  return sig.split(',').some((part) => {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/.exec(part);
    return m !== null && timingSafeEqual(Buffer.from(m[1] as string, 'hex'), expected);
  });
}
