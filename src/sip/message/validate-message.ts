import { SipParseError } from './sip-parse-error.js';
import type { SipMessage } from './types.js';

const REQUIRED: Array<[string, string]> = [
  ['via', 'Via'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
  ['from', 'From'],
  ['to', 'To'],
];

/**
 * Checks what `parseMessage` leaves to the application layer: the headers every request and
 * response must carry (RFC 3261 §8.1.1; RFC 4475 §3.3.1 says such a message parses but must be
 * answered 400). Max-Forwards is not required: RFC 2543 peers omit it (RFC 4475 §3.4.1) and a
 * proxy adds it. Throws `missing_header` with `Missing <Name>` as message, `partial` filled in.
 */
export function validateMessage(msg: SipMessage): void {
  for (const [key, name] of REQUIRED) {
    if (!msg.headers.some((h) => h.name === key)) {
      const partial = {
        kind: msg.kind,
        method: msg.kind === 'request' ? msg.method : null,
        headers: msg.headers.filter((h) => REQUIRED.some(([k]) => k === h.name)).map((h) => ({ ...h })),
      };
      throw new SipParseError('missing_header', `Missing ${name}`, partial);
    }
  }
}
