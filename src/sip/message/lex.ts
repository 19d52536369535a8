/**
 * Character classes and small scanners shared by the structured parsers (RFC 3261 §25.1).
 * Tables indexed by char code instead of regular expressions: linear, no backtracking.
 */

function table(chars: string, alnum = true): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~");
/** word (Call-ID) adds ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}');
/** URI scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEME = table('+-.');
/** Host name / IPv4 characters (underscore tolerated: seen in the wild). */
export const HOST = table('-._');
/** IPv6 reference contents. */
export const IPV6 = table(':.', false);
for (let c = 48; c <= 57; c++) IPV6[c] = 1;
for (let c = 65; c <= 70; c++) IPV6[c] = 1;
for (let c = 97; c <= 102; c++) IPV6[c] = 1;
/** Generic parameter value without quotes: token plus what host and IPv6 values need. */
export const PARAM_VALUE = table("-.!%*_+`'~:[]");

const UNRESERVED = "-_.!~*'()";
/** Characters a URI component may carry unescaped (RFC 3261 §25.1). */
export const URI_USER = table(`${UNRESERVED}&=+$,;?/`);
export const URI_PASSWORD = table(`${UNRESERVED}&=+$,`);
export const URI_PARAM = table(`${UNRESERVED}[]/:&+$`);
export const URI_HEADER = table(`${UNRESERVED}[]/?:+$`);

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

export function allIn(s: string, t: Uint8Array, from = 0, to = s.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] === 0) return false;
  }
  return true;
}

export function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Trims SP and HTAB only: String#trim would also eat U+00A0, a valid UTF-8 continuation octet in latin1 text. */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the closing quote of the quoted-string opening at `i`, or -1 when unterminated. */
export function quotedEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 92)
      j++; // quoted-pair
    else if (c === 34) return j + 1;
  }
  return -1;
}

/** Contents of a quoted-string (with the quotes) with quoted-pairs resolved. */
export function unquote(q: string): string {
  if (q.indexOf('\\') === -1) return q.slice(1, -1);
  let out = '';
  for (let j = 1; j < q.length - 1; j++) {
    const ch = q[j]!;
    if (ch === '\\' && j + 1 < q.length - 1) {
      out += q[j + 1];
      j++;
    } else out += ch;
  }
  return out;
}

export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Resolves %HH escapes (RFC 3261 §19.1.2) into text. The input is an octet string from a message
 * (see `types.ts`), so a raw char up to U+00FF is one octet; a wider char can only come from text a
 * caller passed and counts as its UTF-8 octets. The octets are decoded as UTF-8 when they form
 * valid UTF-8, else as latin1; a `%` not followed by two hex digits stays literal (RFC 4475 §3.1.1.5).
 */
export function unescapeUri(s: string): string {
  if (s.indexOf('%') === -1 && !NON_ASCII.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length + 0 && hexVal(s.charCodeAt(i + 1)) >= 0 && hexVal(s.charCodeAt(i + 2)) >= 0) {
      bytes.push(hexVal(s.charCodeAt(i + 1)) * 16 + hexVal(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c < 256) bytes.push(c);
    else for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
  }
  const buf = Buffer.from(bytes);
  const utf8 = buf.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(buf) ? utf8 : buf.toString('latin1');
}

/** Escapes every character outside `safe` as %HH of its UTF-8 octets. */
export function escapeUri(s: string, safe: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || safe[c] === 0) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 128 && safe[c] === 1) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}
