import { isToken, trimWs } from './lex.js';
import { SipParseError } from './sip-parse-error.js';
import type { CSeq } from './types.js';

/** `CSeq: 1*DIGIT LWS Method`; the number must be below 2**31 (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.4). */
export function parseCSeq(value: string): CSeq {
  const s = trimWs(value);
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === 0) throw new SipParseError('bad_cseq', 'Malformed CSeq: missing sequence number');
  if (i > 10) throw new SipParseError('bad_cseq', 'CSeq number too large');
  const seq = Number(s.slice(0, i));
  if (seq > 0x7fffffff) throw new SipParseError('bad_cseq', 'CSeq number too large');
  const c = s.charCodeAt(i);
  if (c !== 32 && c !== 9) throw new SipParseError('bad_cseq', 'Malformed CSeq: expected space after number');
  const method = trimWs(s.slice(i));
  if (!isToken(method)) throw new SipParseError('bad_cseq', 'Malformed CSeq: bad method');
  return { seq, method };
}
