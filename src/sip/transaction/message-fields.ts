import {
  createResponse,
  getHeader,
  parseCSeq,
  parseVia,
  serializeMessage,
  splitHeaderValues,
} from '../message/index.js';
import type { CSeq, SipHeader, SipMessage, SipRequest, SipResponse, Via } from '../message/types.js';

/**
 * The few structured fields the transaction layer reads, wrapped so a parse failure is a null
 * (the message is then handled statelessly) rather than an exception in the hot path.
 */

export function topVia(msg: SipMessage): Via | null {
  const first = topViaRaw(msg);
  if (first === undefined) return null;
  try {
    return parseVia(first) ?? null;
  } catch {
    return null;
  }
}

/**
 * The first Via value. Read for every message: the common single-value line is returned as is,
 * without the arrays `getHeaderValues` builds for the whole list.
 */
export function topViaRaw(msg: SipMessage): string | undefined {
  for (const h of msg.headers) {
    if (h.name !== 'via') continue;
    const v = h.value;
    if (v.indexOf(',') === -1) {
      if (v.length > 0) return v;
      continue;
    }
    const first = splitHeaderValues(v)[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

export function cseqOf(msg: SipMessage): CSeq | null {
  const value = getHeader(msg, 'cseq');
  if (value === null) return null;
  try {
    return parseCSeq(value) ?? null;
  } catch {
    return null;
  }
}

export function serialize(msg: SipMessage): Buffer {
  return serializeMessage(msg);
}

export function responseTo(
  req: SipRequest,
  status: number,
  reason: string | undefined,
  toTag: string | undefined,
  headers?: SipHeader[],
  body?: Buffer,
): SipResponse {
  return createResponse(req, status, reason, {
    ...(toTag !== undefined ? { toTag } : {}),
    ...(headers !== undefined ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}
