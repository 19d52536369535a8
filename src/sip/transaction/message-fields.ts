import { createResponse, getHeaderValues, parseCSeq, parseVia, serializeMessage } from '../message/index.js';
import type { CSeq, SipHeader, SipMessage, SipRequest, SipResponse, Via } from '../message/types.js';

/**
 * The few structured fields the transaction layer reads, wrapped so a parse failure is a null
 * (the message is then handled statelessly) rather than an exception in the hot path.
 */

export function topVia(msg: SipMessage): Via | null {
  const values = getHeaderValues(msg, 'via');
  const first = values[0];
  if (first === undefined) return null;
  try {
    return parseVia(first) ?? null;
  } catch {
    return null;
  }
}

export function topViaRaw(msg: SipMessage): string | undefined {
  return getHeaderValues(msg, 'via')[0];
}

export function cseqOf(msg: SipMessage): CSeq | null {
  const value = getHeaderValues(msg, 'cseq')[0];
  if (value === undefined) return null;
  try {
    return parseCSeq(value) ?? null;
  } catch {
    return null;
  }
}

export function firstHeader(msg: SipMessage, name: string): string | undefined {
  for (const h of msg.headers) if (h.name === name) return h.value;
  return undefined;
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
