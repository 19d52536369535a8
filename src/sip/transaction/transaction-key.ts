import type { SipRequest, SipResponse, Via } from '../message/types.js';
import { BRANCH_COOKIE } from './branch.js';
import { getHeader } from '../message/get-header.js';
import { nameAddrTag } from '../message/name-addr-tag.js';
import { cseqOf, topViaRaw } from './message-fields.js';

/**
 * Transaction keys.
 *
 * Server side (RFC 3261 §17.2.3): an RFC 3261 branch (magic cookie) plus the Via sent-by plus the
 * method, with ACK folded onto INVITE so the ACK for a non-2xx reaches its INVITE transaction.
 * For an RFC 2543 peer (no cookie) the key is built from Request-URI, From tag, Call-ID, CSeq
 * number, the top Via and the method — the To tag is left out so the ACK (which carries the tag
 * we generated) still matches its INVITE (§17.2.3, last paragraphs).
 *
 * Client side (§17.1.3): the branch we generated plus the CSeq method, so a CANCEL (same branch
 * as its INVITE, §9.1) is its own transaction.
 */

function sentBy(via: Via): string {
  return via.port === null ? via.host.toLowerCase() : `${via.host.toLowerCase()}:${via.port}`;
}

function tagOf(nameAddr: string | null): string {
  return nameAddr === null ? '' : (nameAddrTag(nameAddr) ?? '');
}

/** `method` overrides the request's own (used to look up the INVITE a CANCEL or ACK refers to). */
export function serverTransactionKey(req: SipRequest, via: Via, method?: string): string | null {
  let m = method ?? req.method;
  if (m === 'ACK') m = 'INVITE';
  const branch = via.branch;
  if (branch?.startsWith(BRANCH_COOKIE)) return `${branch}\n${sentBy(via)}\n${m}`;
  const cseq = cseqOf(req);
  const callId = getHeader(req, 'call-id');
  if (cseq === null || callId === null) return null;
  return `2543\n${req.uri}\n${tagOf(getHeader(req, 'from'))}\n${callId}\n${cseq.seq}\n${topViaRaw(req) ?? ''}\n${m}`;
}

export function clientTransactionKey(branch: string, method: string): string {
  return `${branch}\n${method}`;
}

/** Key of the client transaction a response belongs to, or null when it cannot belong to one. */
export function responseTransactionKey(res: SipResponse, via: Via | null): string | null {
  if (via === null || via.branch === null) return null;
  const cseq = cseqOf(res);
  if (cseq === null) return null;
  return clientTransactionKey(via.branch, cseq.method);
}
