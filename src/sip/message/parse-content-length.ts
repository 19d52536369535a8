import { trimWs } from './lex.js';
import { SipParseError } from './sip-parse-error.js';

/** `Content-Length: 1*DIGIT` (RFC 3261 §20.14); negative or absurd values are errors (RFC 4475 §3.1.2.3). */
export function parseContentLength(value: string): number {
  const s = trimWs(value);
  if (s.length === 0 || s.length > 10) throw new SipParseError('bad_content_length', 'Malformed Content-Length');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) throw new SipParseError('bad_content_length', 'Malformed Content-Length');
  }
  const n = Number(s);
  if (n > 0x7fffffff) throw new SipParseError('bad_content_length', 'Content-Length too large');
  return n;
}
