import { normalizeHeaderName } from './header-name.js';
import { WORD, isToken, trimWs } from './lex.js';
import { parseContentLength } from './parse-content-length.js';
import { parseCSeq } from './parse-cseq.js';
import type { ParseLimits } from './parse-limits.js';
import { parseNameAddr } from './parse-name-addr.js';
import { parseUri, schemeLength } from './parse-uri.js';
import { parseVia } from './parse-via.js';
import { SipParseError } from './sip-parse-error.js';
import { splitHeaderList } from './split-header-list.js';
import type { SipHeader, SipMessage } from './types.js';

export interface ParsedHead {
  message: SipMessage;
  /** Content-Length value, or null when the header is absent. */
  contentLength: number | null;
}

const EMPTY = Buffer.alloc(0);

function count(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i !== -1; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * Replaces each `*WSP CRLF 1*WSP` fold by one SP and trims (RFC 3261 §7.3.1). A loop, not
 * `/[ \t]*\r\n[ \t]+/g`, whose backtracking is quadratic on a long run of spaces.
 */
function unfold(value: string): string {
  const parts = value.split('\r\n');
  let out = '';
  for (const part of parts) {
    const t = trimWs(part);
    if (t.length === 0) continue;
    out = out.length === 0 ? t : `${out} ${t}`;
  }
  return out;
}

function parseStartLine(line: string): Omit<SipMessage, 'headers' | 'body'> {
  if (line.length >= 4 && line.slice(0, 4).toUpperCase() === 'SIP/') {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
    const sp = line.indexOf(' ');
    const version = sp === -1 ? line : line.slice(0, sp);
    if (version.toUpperCase() !== 'SIP/2.0')
      throw new SipParseError('bad_version', `Unsupported SIP version ${version.slice(0, 16)}`);
    const rest = sp === -1 ? '' : line.slice(sp + 1);
    const sp2 = rest.indexOf(' ');
    const code = sp2 === -1 ? rest : rest.slice(0, sp2);
    // RFC 4475 §3.1.2.19: exactly three digits, 100-699.
    if (!/^[1-6]\d\d$/.test(code)) throw new SipParseError('bad_status', 'Bad status code');
    const reason = sp2 === -1 ? '' : rest.slice(sp2 + 1);
    for (let i = 0; i < reason.length; i++) {
      const c = reason.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127)
        throw new SipParseError('bad_start_line', 'Control character in reason phrase');
    }
    return { kind: 'response', version: 'SIP/2.0', status: Number(code), reason } as Omit<
      SipMessage,
      'headers' | 'body'
    >;
  }
  // Request-Line = Method SP Request-URI SP SIP-Version: exactly two single SPs (RFC 4475 §3.1.2.7-10).
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 === -1 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 === -1 || line.indexOf(' ', sp2 + 1) !== -1) {
    throw new SipParseError('bad_start_line', 'Malformed request line');
  }
  const method = line.slice(0, sp1);
  const uri = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  if (!isToken(method)) throw new SipParseError('bad_start_line', 'Malformed method');
  if (uri.length === 0) throw new SipParseError('bad_start_line', 'Malformed request line');
  if (version.toUpperCase() !== 'SIP/2.0') {
    if (/^SIP\/\d+\.\d+$/i.test(version)) throw new SipParseError('bad_version', `Unsupported SIP version ${version}`);
    throw new SipParseError('bad_start_line', 'Malformed request line');
  }
  if (schemeLength(uri) === -1) throw new SipParseError('bad_request_uri', 'Malformed Request-URI');
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c < 33 || c > 126 || c === 60 || c === 62 || c === 34)
      throw new SipParseError('bad_request_uri', 'Malformed Request-URI');
  }
  // A sip/sips/tel Request-URI must parse, so a proxy can route on it (RFC 5118 §4.2: an IPv6
  // address without brackets is an error); other schemes stay opaque (RFC 4475 §3.3.2).
  const scheme = uri.slice(0, 4).toLowerCase();
  if (scheme === 'sip:' || scheme === 'sips' || scheme === 'tel:') {
    try {
      parseUri(uri);
    } catch {
      throw new SipParseError('bad_request_uri', 'Malformed Request-URI');
    }
  }
  return { kind: 'request', version: 'SIP/2.0', method, uri } as Omit<SipMessage, 'headers' | 'body'>;
}

/**
 * Parses the start line and header fields in `buf[start, end)` (`end` = offset of the CRLFCRLF
 * that ends the header section) in one pass over a latin1 view of the octets, which is lossless:
 * values stay octet strings (see `types.ts`), so what is forwarded unchanged is byte for byte what
 * arrived (RFC 3261 §16.6), whatever octets a header holds. Then checks the few headers every
 * element relies on (RFC 4475 §3.1.2): Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length.
 * Other headers stay raw until someone asks for them.
 */
export function parseHead(buf: Buffer, start: number, end: number, limits: ParseLimits): ParsedHead {
  const s = buf.toString('latin1', start, end);
  // Every CR and every LF must belong to a CRLF: count the three with native searches.
  const crlf = count(s, '\r\n');
  if (count(s, '\r') !== crlf || count(s, '\n') !== crlf)
    throw new SipParseError('bad_header', 'Bare CR or LF in header section');
  let nul = s.indexOf('\0');
  while (nul !== -1) {
    // NUL is only legal as a quoted-pair inside a quoted string (RFC 4475 §3.1.1.2).
    if (s.charCodeAt(nul - 1) !== 92) throw new SipParseError('bad_header', 'NUL octet in header section');
    nul = s.indexOf('\0', nul + 1);
  }
  let lineEnd = s.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = s.length;
  if (lineEnd > limits.maxStartLineLength) throw new SipParseError('line_too_long', 'Start line too long');
  const message = parseStartLine(s.slice(0, lineEnd)) as SipMessage;
  const headers: SipHeader[] = [];
  message.headers = headers;
  message.body = EMPTY;
  let pos = lineEnd + 2;
  const n = s.length;
  while (pos < n) {
    const first = s.charCodeAt(pos);
    if (first === 32 || first === 9) throw new SipParseError('bad_header', 'Continuation line without a header');
    let e = s.indexOf('\r\n', pos);
    if (e === -1) e = n;
    let folded = false;
    while (e < n) {
      const c = s.charCodeAt(e + 2);
      if (c !== 32 && c !== 9) break;
      folded = true;
      e = s.indexOf('\r\n', e + 2);
      if (e === -1) e = n;
    }
    if (e - pos > limits.maxHeaderLineLength) throw new SipParseError('line_too_long', 'Header field too long');
    if (headers.length >= limits.maxHeaders) throw new SipParseError('too_many_headers', 'Too many header fields');
    const colon = s.indexOf(':', pos);
    if (colon === -1 || colon > e) throw new SipParseError('bad_header', 'Header line without colon');
    let ne = colon;
    while (ne > pos && (s.charCodeAt(ne - 1) === 32 || s.charCodeAt(ne - 1) === 9)) ne--;
    const name = normalizeHeaderName(s.slice(pos, ne));
    if (name === null) throw new SipParseError('bad_header', 'Malformed header name');
    const value = s.slice(colon + 1, e);
    headers.push({ name, value: folded ? unfold(value) : trimWs(value) });
    pos = e + 2;
  }
  const contentLength = checkHeaders(message);
  return { message, contentLength };
}

function wantSingle(idx: number, name: string): void {
  if (idx !== -1) throw new SipParseError('duplicate_header', `Multiple ${name} headers`);
}

/** Syntax checks on the headers elements rely on; returns Content-Length (null when absent). */
function checkHeaders(message: SipMessage): number | null {
  const headers = message.headers;
  let from = -1;
  let to = -1;
  let callId = -1;
  let cseq = -1;
  let maxForwards = -1;
  let contentLength = -1;
  let contentType = -1;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    switch (h.name) {
      case 'via':
        if (h.value.indexOf(',') === -1 && h.value.length > 0) {
          parseVia(h.value); // one value per line, the usual case: no list split
          break;
        }
        for (const [a, b] of splitHeaderList(h.value)) {
          if (a === b) throw new SipParseError('bad_via', 'Malformed Via: empty value');
          parseVia(h.value.slice(a, b));
        }
        break;
      case 'from':
        wantSingle(from, 'From');
        parseNameAddr(h.value);
        from = i;
        break;
      case 'to':
        wantSingle(to, 'To');
        parseNameAddr(h.value);
        to = i;
        break;
      case 'call-id':
        wantSingle(callId, 'Call-ID');
        checkCallId(h.value);
        callId = i;
        break;
      case 'cseq': {
        wantSingle(cseq, 'CSeq');
        const c = parseCSeq(h.value);
        if (message.kind === 'request' && c.method !== message.method) {
          throw new SipParseError('cseq_method_mismatch', 'CSeq method does not match the request method');
        }
        cseq = i;
        break;
      }
      case 'max-forwards':
        wantSingle(maxForwards, 'Max-Forwards');
        if (!/^\d{1,10}$/.test(h.value) || Number(h.value) > 255)
          throw new SipParseError('bad_max_forwards', 'Bad Max-Forwards');
        maxForwards = i;
        break;
      case 'content-length':
        wantSingle(contentLength, 'Content-Length');
        parseContentLength(h.value);
        contentLength = i;
        break;
      case 'content-type':
        wantSingle(contentType, 'Content-Type');
        contentType = i;
        break;
    }
  }
  return contentLength === -1 ? null : parseContentLength(headers[contentLength]!.value);
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1); a space or comma means several values. */
function checkCallId(value: string): void {
  const at = value.indexOf('@');
  const ok = (a: number, b: number): boolean => {
    if (b <= a) return false;
    for (let i = a; i < b; i++) {
      const c = value.charCodeAt(i);
      if (c >= 128 || WORD[c] === 0) return false;
    }
    return true;
  };
  if (at === -1 ? !ok(0, value.length) : !ok(0, at) || !ok(at + 1, value.length)) {
    throw new SipParseError('bad_call_id', 'Malformed Call-ID');
  }
}
