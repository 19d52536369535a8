import { PARAM_VALUE, TOKEN, quotedEnd, skipWs } from './lex.js';
import { SipParseError } from './sip-parse-error.js';
import type { SipParseErrorCode } from './sip-parse-error.js';

/**
 * Parses `*( SEMI param )` from `s[i..]` to the end of the string (RFC 3261 §25.1 generic-param:
 * `token [ EQUAL ( token / host / quoted-string ) ]`, LWS allowed around `;` and `=`). Names are
 * lower-cased; a quoted value keeps its quotes so it can be written back unchanged. An empty
 * parameter (`;;`) is a syntax error (RFC 4475 §3.1.2.1).
 */
export function parseParams(s: string, i: number, code: SipParseErrorCode, what: string): Map<string, string | null> {
  const params = new Map<string, string | null>();
  const n = s.length;
  i = skipWs(s, i);
  while (i < n) {
    if (s.charCodeAt(i) !== 59) throw new SipParseError(code, `Malformed ${what}: unexpected character after value`);
    i = skipWs(s, i + 1);
    const nameStart = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] === 0) break;
      i++;
    }
    if (i === nameStart) throw new SipParseError(code, `Malformed ${what}: empty parameter`);
    const name = s.slice(nameStart, i).toLowerCase();
    i = skipWs(s, i);
    let value: string | null = null;
    if (i < n && s.charCodeAt(i) === 61) {
      i = skipWs(s, i + 1);
      if (i < n && s.charCodeAt(i) === 34) {
        const end = quotedEnd(s, i);
        if (end === -1)
          throw new SipParseError('unterminated_quote', `Malformed ${what}: unterminated quoted parameter`);
        value = s.slice(i, end);
        i = end;
      } else {
        const vStart = i;
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c >= 128 || PARAM_VALUE[c] === 0) break;
          i++;
        }
        if (i === vStart) throw new SipParseError(code, `Malformed ${what}: empty value for parameter ${name}`);
        value = s.slice(vStart, i);
      }
      i = skipWs(s, i);
    }
    params.set(name, value);
  }
  return params;
}

/** Writes params back as `;name=value` (null → bare name). */
export function formatParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
