import { parseNameAddr, parseUri } from '../sip/index.js';

/**
 * A From/To/P-Asserted-Identity value with the user part of its sip/sips URI (the number of a tel
 * URI) replaced by `user`,
 * every other octet as received: display name, URI parameters and header parameters keep their
 * quoting and escaping, which re-formatting a parsed copy would not (a proxy changes only what it
 * must, RFC 3261 §16.6). `user` goes in unescaped, so it must hold only URI user characters (an
 * E.164 number does). Null when the value is not a name-addr/addr-spec with a sip, sips or tel URI.
 *
 * @see RFC 3261 §20.20 (From), §25.1 (`name-addr`, `userinfo`); RFC 3966 §3 (tel)
 */
export function withUriUser(value: string, user: string): string | null {
  let uri: string;
  let scheme: string;
  try {
    uri = parseNameAddr(value).uri;
    scheme = parseUri(uri).scheme;
  } catch {
    return null;
  }
  const start = uriStart(value);
  if (!value.startsWith(uri, start)) return null;
  const afterScheme = uri.indexOf(':') + 1;
  if (scheme === 'tel') {
    const semi = uri.indexOf(';', afterScheme);
    const numberEnd = semi === -1 ? uri.length : semi;
    return `${value.slice(0, start + afterScheme)}${user}${value.slice(start + numberEnd)}`;
  }
  if (scheme !== 'sip' && scheme !== 'sips') return null;
  // userinfo excludes '@', and the user part ends at the password's ':' (§25.1).
  const at = uri.indexOf('@');
  if (at === -1) return `${value.slice(0, start + afterScheme)}${user}@${value.slice(start + afterScheme)}`;
  const colon = uri.indexOf(':', afterScheme);
  const userEnd = colon !== -1 && colon < at ? colon : at;
  return `${value.slice(0, start + afterScheme)}${user}${value.slice(start + userEnd)}`;
}

/** Where the URI begins: after `<` (past a quoted or token display name), else at the addr-spec. */
function uriStart(s: string): number {
  let i = 0;
  if (s.charCodeAt(0) === 34 /* " */) {
    i = 1;
    while (i < s.length && s.charCodeAt(i) !== 34) i += s.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
    i++;
  }
  // As parseNameAddr reads it: a '<' before any ';' or '"' opens a bracketed URI.
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 60 /* < */) {
      j++;
      while (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9) j++;
      return j;
    }
    if (c === 59 || c === 34) break;
  }
  return i;
}
