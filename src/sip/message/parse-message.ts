import { copyBody } from './copy-body.js';
import { parseHead } from './parse-head.js';
import { resolveLimits } from './parse-limits.js';
import type { ParseLimits } from './parse-limits.js';
import { salvagePartial } from './salvage-partial.js';
import { SipParseError } from './sip-parse-error.js';
import type { SipMessage } from './types.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Parses one datagram (UDP). Octets past Content-Length are ignored (RFC 4475 §3.1.1.8); without
 * Content-Length the rest of the datagram is the body (RFC 3261 §18.3, RFC 4475 §3.4.1); a
 * Content-Length larger than what arrived is an error (RFC 4475 §3.1.2.2). CRLFs before the start
 * line are skipped (RFC 3261 §7.5). Throws {@link SipParseError} only; its `partial` lets the caller
 * answer 400 with `badRequestResponse`.
 *
 * The message is syntax-checked but not for presence of mandatory headers (RFC 4475 §3.3.1 is
 * valid syntax): call `validateMessage` before handing it to a transaction.
 */
export function parseMessage(data: Buffer, limits?: Partial<ParseLimits>): SipMessage {
  const lim = resolveLimits(limits);
  let pos = 0;
  while (pos + 1 < data.length && data[pos] === 13 && data[pos + 1] === 10) pos += 2;
  if (pos >= data.length || (pos + 1 === data.length && (data[pos] === 13 || data[pos] === 10))) {
    throw new SipParseError('empty_message', 'Empty message (keep-alive)');
  }
  if (data.length > lim.maxMessageSize) {
    throw new SipParseError('too_large', 'Message too large', salvagePartial(data, pos, data.length));
  }
  const headEnd = data.indexOf(CRLFCRLF, pos);
  try {
    if (headEnd === -1) throw new SipParseError('incomplete', 'No empty line after the header fields');
    const { message, contentLength } = parseHead(data, pos, headEnd, lim);
    const bodyStart = headEnd + 4;
    if (contentLength === null) {
      message.body = copyBody(data, bodyStart, data.length);
    } else {
      if (contentLength > lim.maxBodySize) throw new SipParseError('too_large', 'Body too large');
      if (bodyStart + contentLength > data.length) {
        throw new SipParseError('content_length_mismatch', 'Content-Length larger than the message');
      }
      message.body = copyBody(data, bodyStart, bodyStart + contentLength);
    }
    if (message.body.length > lim.maxBodySize) throw new SipParseError('too_large', 'Body too large');
    return message;
  } catch (err) {
    if (err instanceof SipParseError && err.partial === null) {
      err.partial = salvagePartial(data, pos, headEnd === -1 ? data.length : headEnd);
    }
    throw err;
  }
}
