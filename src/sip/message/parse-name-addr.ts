import { quotedEnd, skipWs, trimWs, unquote } from './lex.js';
import { parseParams } from './parse-params.js';
import { schemeLength } from './parse-uri.js';
import { SipParseError } from './sip-parse-error.js';
import type { NameAddr } from './types.js';

function fail(why: string): never {
  throw new SipParseError('bad_name_addr', `Malformed address: ${why}`);
}

function checkUri(uri: string): void {
  if (uri === '*') return;
  if (schemeLength(uri) === -1) fail('URI without scheme');
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62) fail('forbidden character in URI');
  }
}

/**
 * Parses one `name-addr / addr-spec *(;param)` value (From, To, Contact, Route, Record-Route,
 * Refer-To, P-Asserted-Identity…; RFC 3261 §20.10, §25.1). Split list headers with
 * `getHeaderValues` first.
 *
 * Liberal where RFC 4475 asks for it: no LWS before `<` (§3.1.1.6), spaces inside `<>`
 * (§3.1.2.14), unquoted display names with non-token characters (§3.1.2.15). Strict where it
 * matters: an unterminated quote (§3.1.2.6) and stray text after the value are errors. Without
 * `<>` the parameters belong to the header, not the URI (RFC 3261 §20.10). `Contact: *` gives uri `*`.
 */
export function parseNameAddr(value: string): NameAddr {
  const s = value;
  let i = skipWs(s, 0);
  let displayName: string | null = null;
  let uri: string;
  if (s.charCodeAt(i) === 34) {
    const end = quotedEnd(s, i);
    if (end === -1)
      throw new SipParseError('unterminated_quote', 'Malformed address: unterminated quoted display name');
    displayName = unquote(s.slice(i, end));
    i = skipWs(s, end);
    if (s.charCodeAt(i) !== 60) fail('expected < after display name');
  }
  let lt = -1;
  if (s.charCodeAt(i) === 60) lt = i;
  else {
    // A '<' before any ';' means a name-addr with an unquoted display name.
    for (let j = i; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === 60) {
        lt = j;
        break;
      }
      if (c === 59 || c === 34) break;
    }
  }
  if (lt !== -1) {
    if (displayName === null && lt > i) displayName = trimWs(s.slice(i, lt));
    const gt = s.indexOf('>', lt);
    if (gt === -1) fail('missing >');
    uri = trimWs(s.slice(lt + 1, gt));
    i = gt + 1;
  } else {
    let j = i;
    while (j < s.length && s.charCodeAt(j) !== 59) j++;
    uri = trimWs(s.slice(i, j));
    // RFC 3261 §20: a URI with a comma, '?' or ';' must be in <>; here a comma means several values.
    if (uri.indexOf(',') !== -1) fail('comma in addr-spec (several values?)');
    i = j;
  }
  if (uri.length === 0) fail('empty URI');
  checkUri(uri);
  const params = parseParams(s, i, 'bad_name_addr', 'address');
  return { displayName, uri, params };
}
