/**
 * The one builder of raw SIP messages for tests: a request as the exact bytes a peer would send
 * (RFC 3261 §8.1.1 headers, fresh branch and tag), a raw peer's response to a request it got, and
 * readers for what comes back. Raw text on purpose: the gateway must see what a real PBX or
 * carrier sends, not what our codec would emit.
 */
import { randomBytes } from 'node:crypto';
import type { SipRequest } from '../../src/sip/message/index.js';

export const branch = (): string => `z9hG4bK${randomBytes(8).toString('hex')}`;
export const tag = (): string => randomBytes(4).toString('hex');

/** A valid request; `extra` header lines are added before Content-Length, body appended. */
export function request(opts: {
  method: string;
  uri: string;
  from?: string;
  to?: string;
  viaPort: number;
  viaHost?: string;
  transport?: 'UDP' | 'TCP' | 'TLS';
  /** Ask for the answer at the source address and port (RFC 3581); default true. */
  rport?: boolean;
  extra?: string[];
  body?: string;
  maxForwards?: number | null;
  cseq?: number;
  callId?: string;
  /** Via branch (default: a fresh one). */
  branch?: string;
  /** From tag (default: a fresh one); `null` when `from` already carries its tag. */
  fromTag?: string | null;
  /** Route header values, in order (an in-dialog request along a Record-Route set). */
  routes?: string[];
  /** Contact URI (default: sip:probe@127.0.0.1:viaPort); `null` for none. */
  contact?: string | null;
}): string {
  const body = opts.body ?? '';
  const rport = opts.rport === false ? '' : ';rport';
  const lines = [
    `${opts.method} ${opts.uri} SIP/2.0`,
    `Via: SIP/2.0/${opts.transport ?? 'UDP'} ` +
      `${opts.viaHost ?? '127.0.0.1'}:${opts.viaPort};branch=${opts.branch ?? branch()}${rport}`,
    ...(opts.maxForwards === null ? [] : [`Max-Forwards: ${opts.maxForwards ?? 70}`]),
    `From: ${opts.from ?? '<sip:probe@127.0.0.1>'}${opts.fromTag === null ? '' : `;tag=${opts.fromTag ?? tag()}`}`,
    `To: ${opts.to ?? `<${opts.uri}>`}`,
    `Call-ID: ${opts.callId ?? `${randomBytes(8).toString('hex')}@127.0.0.1`}`,
    `CSeq: ${opts.cseq ?? 1} ${opts.method}`,
    ...(opts.routes ?? []).map((r) => `Route: ${r}`),
    ...(opts.contact === null ? [] : [`Contact: <${opts.contact ?? `sip:probe@127.0.0.1:${opts.viaPort}`}>`]),
    ...(opts.extra ?? []),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/**
 * A raw peer's answer (a carrier's, a PBX's) to a request it received: Via, From, Call-ID, CSeq and
 * Record-Route copied in order (RFC 3261 §8.2.6.2, §12.1.1), a To tag added unless the request
 * already has one or the answer is a 100 (§8.2.6.2).
 */
export function response(
  req: SipRequest,
  status: number,
  reason: string,
  opts: { toTag?: string; contact?: string | null; body?: string } = {},
): string {
  const body = opts.body ?? '';
  const to = req.headers.find((h) => h.name === 'to')?.value ?? '';
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...req.headers
      .filter((h) => ['via', 'from', 'call-id', 'cseq', 'record-route'].includes(h.name))
      .map((h) => `${h.name}: ${h.value}`),
    `To: ${/;\s*tag=/i.test(to) || status === 100 ? to : `${to};tag=${opts.toTag ?? tag()}`}`,
    ...(opts.contact === null || opts.contact === undefined ? [] : [`Contact: <${opts.contact}>`]),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

export const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 8',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

/** Status code of a response, or null when the bytes are not a SIP response status line. */
export function statusOf(reply: Buffer | null): number | null {
  if (reply === null) return null;
  const m = /^SIP\/2\.0 (\d{3}) /.exec(reply.subarray(0, 64).toString('latin1'));
  return m === null ? null : Number(m[1]);
}

export function header(reply: Buffer, name: string): string | undefined {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im');
  return re.exec(reply.toString('utf8'))?.[1]?.trim();
}
