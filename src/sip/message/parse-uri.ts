import { HOST, IPV6, SCHEME, unescapeUri } from './lex.js';
import { SipParseError } from './sip-parse-error.js';
import type { SipUri } from './types.js';

function fail(why: string): never {
  throw new SipParseError('bad_uri', `Malformed URI: ${why}`);
}

/** Length of a valid `scheme ":"` prefix, or -1. */
export function schemeLength(uri: string): number {
  const colon = uri.indexOf(':');
  if (colon < 1) return -1;
  const c0 = uri.charCodeAt(0) | 0x20;
  if (c0 < 97 || c0 > 122) return -1;
  for (let i = 1; i < colon; i++) {
    const c = uri.charCodeAt(i);
    if (c >= 128 || SCHEME[c] === 0) return -1;
  }
  return colon;
}

function parseUriParams(s: string, into: Map<string, string | null>): void {
  for (const part of s.split(';')) {
    if (part.length === 0) fail('empty parameter');
    const eq = part.indexOf('=');
    const name = unescapeUri(eq === -1 ? part : part.slice(0, eq)).toLowerCase();
    if (name.length === 0) fail('empty parameter name');
    into.set(name, eq === -1 ? null : unescapeUri(part.slice(eq + 1)));
  }
}

/**
 * Parses a URI (RFC 3261 §19.1, §25.1; RFC 3966 tel). sip/sips: user and password unescaped (the
 * user part may hold `;` and `?`, RFC 4475 §3.1.1.9), IPv6 host without brackets, parameter names
 * lower-cased and names/values unescaped, `?headers` unescaped. tel: the number goes to `user`.
 * Any other scheme keeps its scheme-specific part in `opaque` (RFC 4475 §3.3.2).
 */
export function parseUri(uri: string): SipUri {
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) fail('forbidden character');
  }
  const colon = schemeLength(uri);
  if (colon === -1) fail('missing or invalid scheme');
  const scheme = uri.slice(0, colon).toLowerCase();
  const rest = uri.slice(colon + 1);
  const params = new Map<string, string | null>();
  const headers = new Map<string, string>();
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi === -1 ? rest : rest.slice(0, semi);
    if (number.length === 0) fail('empty telephone number');
    if (semi !== -1) parseUriParams(rest.slice(semi + 1), params);
    return { scheme, user: unescapeUri(number), password: null, host: '', port: null, params, headers };
  }
  if (scheme !== 'sip' && scheme !== 'sips') {
    if (rest.length === 0) fail('empty scheme-specific part');
    return { scheme, user: null, password: null, host: '', port: null, params, headers, opaque: rest };
  }
  let user: string | null = null;
  let password: string | null = null;
  let i = 0;
  // userinfo chars exclude '@' (RFC 3261 §25.1), so the first '@' ends it.
  const at = rest.indexOf('@');
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(':');
    user = unescapeUri(pc === -1 ? userinfo : userinfo.slice(0, pc));
    if (pc !== -1) password = unescapeUri(userinfo.slice(pc + 1));
    if (user.length === 0) fail('empty user');
    i = at + 1;
  }
  let host: string;
  if (rest.charCodeAt(i) === 91) {
    const close = rest.indexOf(']', i);
    if (close === -1) fail('unterminated IPv6 reference');
    host = rest.slice(i + 1, close);
    if (host.indexOf(':') === -1) fail('bad IPv6 address');
    for (let x = 0; x < host.length; x++) if (IPV6[host.charCodeAt(x)] !== 1) fail('bad IPv6 address');
    i = close + 1;
  } else {
    const start = i;
    while (i < rest.length) {
      const c = rest.charCodeAt(i);
      if (c >= 128 || HOST[c] === 0) break;
      i++;
    }
    if (i === start) fail('missing host');
    host = rest.slice(start, i);
  }
  let port: number | null = null;
  if (rest.charCodeAt(i) === 58) {
    const start = ++i;
    while (i < rest.length && rest.charCodeAt(i) >= 48 && rest.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 5) fail('bad port');
    port = Number(rest.slice(start, i));
    if (port > 65535) fail('bad port');
  }
  const q = rest.indexOf('?', i);
  const end = q === -1 ? rest.length : q;
  if (i < end) {
    if (rest.charCodeAt(i) !== 59) fail('unexpected character after host');
    parseUriParams(rest.slice(i + 1, end), params);
  }
  if (q !== -1) {
    for (const part of rest.slice(q + 1).split('&')) {
      if (part.length === 0) continue;
      const eq = part.indexOf('=');
      if (eq <= 0) fail('malformed header');
      headers.set(unescapeUri(part.slice(0, eq)), unescapeUri(part.slice(eq + 1)));
    }
  }
  return { scheme, user, password, host, port, params, headers };
}
