import { nameAddrTag } from './name-addr-tag.js';
import { reasonPhrase } from './reason-phrase.js';
import type { SipHeader, SipRequest, SipResponse } from './types.js';

export interface CreateResponseOptions {
  /** Added to To when the request's To has no tag (RFC 3261 §8.2.6.2). Leave out for 100 Trying. */
  toTag?: string;
  /** Extra headers appended after the copied ones. */
  headers?: SipHeader[];
  body?: Buffer;
}

const COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq']);
/** Methods whose 2xx/1xx (other than 100) establish a dialog: Record-Route is copied (RFC 3261 §12.1.1). */
const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'NOTIFY']);

/**
 * Builds a response to a request per RFC 3261 §8.2.6.2: Via (all values, in order), From, To (with
 * `toTag` added when absent), Call-ID and CSeq copied; Timestamp copied on 100 Trying (§8.2.6.1);
 * Record-Route copied on dialog-creating responses (§12.1.1); Content-Length set from the body.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason?: string,
  opts: CreateResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  const dialog = status > 100 && status < 300 && DIALOG_CREATING.has(req.method);
  for (const h of req.headers) {
    if (COPIED.has(h.name)) {
      if (h.name === 'to' && opts.toTag !== undefined && nameAddrTag(h.value) === null) {
        headers.push({ name: 'to', value: `${h.value};tag=${opts.toTag}` });
      } else headers.push({ name: h.name, value: h.value });
    } else if ((h.name === 'timestamp' && status === 100) || (h.name === 'record-route' && dialog)) {
      headers.push({ name: h.name, value: h.value });
    }
  }
  if (opts.headers !== undefined) for (const h of opts.headers) headers.push({ name: h.name, value: h.value });
  const body = opts.body ?? Buffer.alloc(0);
  headers.push({ name: 'content-length', value: String(body.length) });
  return { kind: 'response', version: 'SIP/2.0', status, reason: reason ?? reasonPhrase(status), headers, body };
}
