import { HOST, IPV6, TOKEN, skipWs } from './lex.js';
import { parseParams } from './parse-params.js';
import { SipParseError } from './sip-parse-error.js';
import type { Via } from './types.js';

function fail(why: string): never {
  throw new SipParseError('bad_via', `Malformed Via: ${why}`);
}

function readToken(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) break;
    i++;
  }
  return i;
}

/**
 * Parses one via-parm (RFC 3261 §20.42, §25.1): `SIP / 2.0 / transport sent-by *(;param)`, LWS
 * allowed around `/`, `:`, `;` and `=` (RFC 4475 §3.1.1.1). Split a multi-value line with
 * `getHeaderValues(msg, 'via')` first. IPv6 hosts are returned without brackets.
 * @see RFC 3581 (rport)
 */
export function parseVia(value: string): Via {
  const s = value;
  let i = skipWs(s, 0);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, all tokens: an unknown
  // version parses here so that a 505 can still be routed back (RFC 4475 §3.1.2.16).
  let j = readToken(s, i);
  if (j === i) fail('missing protocol name');
  i = skipWs(s, j);
  if (s.charCodeAt(i) !== 47) fail('expected /');
  i = skipWs(s, i + 1);
  j = readToken(s, i);
  if (j === i) fail('missing protocol version');
  i = skipWs(s, j);
  if (s.charCodeAt(i) !== 47) fail('expected /');
  i = skipWs(s, i + 1);
  j = readToken(s, i);
  if (j === i) fail('missing transport');
  const transport = s.slice(i, j).toUpperCase();
  i = j;
  const k = skipWs(s, i);
  if (k === i) fail('missing space before sent-by');
  i = k;
  let host: string;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close === -1) fail('unterminated IPv6 reference');
    host = s.slice(i + 1, close);
    for (let x = 0; x < host.length; x++) {
      const c = host.charCodeAt(x);
      if (c >= 128 || IPV6[c] === 0) fail('bad IPv6 address');
    }
    if (host.indexOf(':') === -1) fail('bad IPv6 address');
    i = close + 1;
  } else {
    j = i;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c >= 128 || HOST[c] === 0) break;
      j++;
    }
    if (j === i) fail('missing host');
    host = s.slice(i, j);
    i = j;
  }
  let port: number | null = null;
  i = skipWs(s, i);
  if (s.charCodeAt(i) === 58) {
    i = skipWs(s, i + 1);
    j = i;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === i || j - i > 5) fail('bad port');
    port = Number(s.slice(i, j));
    if (port > 65535) fail('bad port');
    i = j;
  }
  const params = parseParams(s, i, 'bad_via', 'Via');
  const branch = params.get('branch') ?? null;
  const received = params.get('received') ?? null;
  let rport: number | null = null;
  const rp = params.get('rport');
  if (rp !== undefined && rp !== null) {
    if (!/^\d{1,5}$/.test(rp) || Number(rp) > 65535) fail('bad rport');
    rport = Number(rp);
  }
  return { transport, host, port, branch, received, rport, params };
}
