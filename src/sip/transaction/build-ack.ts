import type { SipHeader, SipRequest, SipResponse } from '../message/types.js';
import { getHeader } from '../message/get-header.js';
import { cseqOf, topViaRaw } from './message-fields.js';

/**
 * The ACK an INVITE client transaction sends for a non-2xx final response: same Request-URI,
 * Call-ID, From, top Via (so it matches the server transaction) and Route set as the INVITE, To from
 * the response (with its tag), CSeq number of the INVITE with method ACK.
 *
 * @see RFC 3261 §17.1.1.3
 */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: SipHeader[] = [];
  const via = topViaRaw(invite);
  if (via !== undefined) headers.push({ name: 'via', value: via });
  headers.push({ name: 'max-forwards', value: '70' });
  for (const name of ['from', 'to', 'call-id'] as const) {
    const value = name === 'to' ? (getHeader(response, 'to') ?? getHeader(invite, 'to')) : getHeader(invite, name);
    if (value !== null) headers.push({ name, value });
  }
  const cseq = cseqOf(invite);
  headers.push({ name: 'cseq', value: `${cseq?.seq ?? 1} ACK` });
  for (const h of invite.headers) if (h.name === 'route') headers.push({ name: 'route', value: h.value });
  headers.push({ name: 'content-length', value: '0' });
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
