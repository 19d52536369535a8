import { createHash } from 'node:crypto';
import { createResponse } from './message/create-response.js';
import type { SipHeader, SipRequest, SipResponse, Via } from './message/types.js';

/** Per-process salt: tags are stable for one request's retransmissions, not guessable across runs. */
const SALT = createHash('sha1')
  .update(String(process.hrtime.bigint()) + String(Math.random()))
  .digest('hex')
  .slice(0, 8);

/**
 * A response sent without a server transaction (RFC 3261 §8.2.6, §16.9; e.g. a 503 under
 * overload, answered before any state is created). Its To tag is derived from the request's
 * transaction identity (top Via branch and sent-by, Call-ID, CSeq), so a retransmission of the
 * request gets the very same response (§8.2.6.2: the tag must be the same on every response to
 * one request) and the UAC's ACK for it matches (§17.1.1.3).
 */
export function statelessResponse(
  req: SipRequest,
  via: Via,
  status: number,
  reason: string,
  headers: SipHeader[] = [],
): SipResponse {
  let callId = '';
  let cseq = '';
  for (const h of req.headers) {
    if (h.name === 'call-id' && callId === '') callId = h.value;
    else if (h.name === 'cseq' && cseq === '') cseq = h.value;
  }
  const id = `${SALT}\n${via.branch ?? ''}\n${via.host}:${via.port ?? ''}\n${callId}\n${cseq}`;
  const toTag = createHash('sha1').update(id).digest('hex').slice(0, 16);
  return createResponse(req, status, reason, { toTag, headers });
}
