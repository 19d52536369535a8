import { wireHeaderName } from './header-name.js';
import { isToken } from './lex.js';
import type { SipMessage } from './types.js';

/** What a value may not hold: framing octets, and chars that are not one octet (see `checkText`). */
const FORBIDDEN = /[\r\n\0\u0100-\uffff]/;

/**
 * Refuses CR, LF and NUL: a value carrying them could end the header early and smuggle headers or
 * a body (header injection). The one exception is NUL as a quoted-pair (`\` NUL), which RFC 3261
 * §25.1 allows inside quoted strings and RFC 4475 §3.1.1.2 exercises. Also refuses a char above
 * U+00FF: values are octet strings (see `types.ts`), and written as latin1 such a char would lose
 * its high byte (U+010D would become CR).
 */
function checkText(what: string, s: string): void {
  if (!FORBIDDEN.test(s)) return;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13 || c === 10 || (c === 0 && s.charCodeAt(i - 1) !== 92)) {
      throw new TypeError(`SIP ${what} contains a CR, LF or NUL character`);
    }
    if (c > 255) throw new TypeError(`SIP ${what} holds a character above U+00FF (encode text with textToOctets)`);
  }
}

/**
 * Writes a message: start line, headers with their canonical names (`Via`, `Call-ID`, `CSeq`,
 * `WWW-Authenticate`), a Content-Length always equal to the body (in place of the first one, or
 * appended), CRLF, body. Values, URI and reason are octet strings (see `types.ts`) and written one
 * octet per char, so a parsed message is written back byte for byte (RFC 3261 §16.6). Throws a
 * TypeError rather than write anything that could inject a header: CR/LF/NUL in a value, reason or
 * URI, a non-token header name or method, or a char above U+00FF (text not passed through
 * `textToOctets`), whose low byte could be a CR or LF.
 * @see RFC 3261 §7, §20.14
 */
export function serializeMessage(msg: SipMessage): Buffer {
  let head: string;
  if (msg.kind === 'request') {
    if (!isToken(msg.method)) throw new TypeError('SIP method is not a token');
    const uri = msg.uri;
    for (let i = 0; i < uri.length; i++) {
      const c = uri.charCodeAt(i);
      if (c <= 32 || c === 127 || c > 255)
        throw new TypeError('SIP Request-URI contains a control character, space or a character above U+00FF');
    }
    if (uri.length === 0) throw new TypeError('SIP Request-URI is empty');
    head = `${msg.method} ${uri} SIP/2.0\r\n`;
  } else {
    if (!Number.isInteger(msg.status) || msg.status < 100 || msg.status > 699)
      throw new TypeError('SIP status out of range');
    checkText('reason phrase', msg.reason);
    head = `SIP/2.0 ${msg.status} ${msg.reason}\r\n`;
  }
  const body = msg.body ?? Buffer.alloc(0);
  let wroteLength = false;
  for (const h of msg.headers) {
    const name = wireHeaderName(h.name);
    if (name === null) throw new TypeError(`SIP header name ${JSON.stringify(h.name)} is not a token`);
    if (name === 'Content-Length') {
      if (wroteLength) continue;
      wroteLength = true;
      head += `Content-Length: ${body.length}\r\n`;
      continue;
    }
    checkText(`header ${name}`, h.value);
    head += `${name}: ${h.value}\r\n`;
  }
  if (!wroteLength) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const headLen = head.length;
  const out = Buffer.allocUnsafe(headLen + body.length);
  out.write(head, 0, 'latin1');
  body.copy(out, headLen);
  return out;
}
