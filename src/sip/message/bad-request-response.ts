import { randomBytes } from 'node:crypto';
import { WORD } from './lex.js';
import { parseCSeq } from './parse-cseq.js';
import { nameAddrTag } from './name-addr-tag.js';
import { parseNameAddr } from './parse-name-addr.js';
import { parseVia } from './parse-via.js';
import type { SipParseError } from './sip-parse-error.js';
import { splitHeaderList } from './split-header-list.js';
import type { SipHeader, SipResponse } from './types.js';

function ok(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1), the parser's own rule: never echo one it rejects. */
function isCallId(value: string): boolean {
  const parts = value.split('@');
  if (parts.length > 2) return false;
  return parts.every(
    (p) => p.length > 0 && [...p].every((ch) => ch.charCodeAt(0) < 128 && WORD[ch.charCodeAt(0)] !== 0),
  );
}

/**
 * The `400 Bad Request` (`505 Version Not Supported` for `bad_version`, RFC 3261 §21.5.6 and
 * RFC 4475 §3.1.2.16; `513 Message Too Large` for `too_large`, §21.5.11) for a request that failed to parse, with the
 * fault in the reason phrase
 * (`400 Bad Request (Missing Call-ID)`) and the Via/From/To/Call-ID/CSeq that could be read copied
 * (RFC 3261 §8.2.6; RFC 4475 §3.1.2). Null when no response is possible or allowed: a response or
 * an ACK (never answered, §17.2.1), or no readable top Via to send it back along.
 */
export function badRequestResponse(err: SipParseError, opts: { toTag?: string } = {}): SipResponse | null {
  const p = err.partial;
  if (p === null || p.kind !== 'request' || p.method === 'ACK') return null;
  const headers: SipHeader[] = [];
  const seen = new Set<string>();
  let viaOk = false;
  for (const h of p.headers) {
    // A NUL, CR or LF inside a salvaged value (e.g. in a quoted display name, which the name-addr
    // parser accepts) cannot be serialized: treat such a header as unreadable, never copy it.
    if (/[\0\r\n]/.test(h.value)) {
      if (h.name === 'via' && !viaOk) return null;
      if (h.name === 'via') break;
      continue;
    }
    if (h.name === 'via') {
      const parts = splitHeaderList(h.value);
      const valid = parts.length > 0 && parts.every(([a, b]) => b > a && ok(() => parseVia(h.value.slice(a, b))));
      if (!valid) {
        if (!viaOk) return null; // the top Via is unreadable: nowhere to send the response
        break;
      }
      viaOk = true;
      headers.push({ name: 'via', value: h.value });
      continue;
    }
    if (seen.has(h.name)) continue; // several From/To/…: copy the first (RFC 4475 §3.3.8)
    if (h.name === 'from' || h.name === 'to') {
      if (!ok(() => parseNameAddr(h.value))) continue;
      seen.add(h.name);
      // The tag test every response shares (createResponse, hasToTag): a valueless `;tag` is no tag (§25.1).
      const tagged = h.name === 'to' && nameAddrTag(h.value) === null;
      const tag = opts.toTag ?? randomBytes(6).toString('hex');
      headers.push({ name: h.name, value: tagged ? `${h.value};tag=${tag}` : h.value });
    } else if (h.name === 'cseq') {
      if (!ok(() => parseCSeq(h.value))) continue;
      seen.add(h.name);
      headers.push({ name: h.name, value: h.value });
    } else if (h.name === 'call-id') {
      // A malformed Call-ID is left out rather than copied: echoing it would make our own 400 a
      // message that strict parsers (ours included) reject (test/sip/message/fuzz.test.ts found it).
      if (!isCallId(h.value)) continue;
      seen.add(h.name);
      headers.push({ name: h.name, value: h.value });
    }
  }
  if (!viaOk) return null;
  headers.push({ name: 'content-length', value: '0' });
  // The fault goes into the reason phrase: printable ASCII only, bounded.
  const fault = err.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  if (err.code === 'too_large') {
    // RFC 3261 §21.5.11: the message length exceeded what the server processes.
    return {
      kind: 'response',
      version: 'SIP/2.0',
      status: 513,
      reason: 'Message Too Large',
      headers,
      body: Buffer.alloc(0),
    };
  }
  if (err.code === 'bad_version') {
    return {
      kind: 'response',
      version: 'SIP/2.0',
      status: 505,
      reason: 'Version Not Supported',
      headers,
      body: Buffer.alloc(0),
    };
  }
  return {
    kind: 'response',
    version: 'SIP/2.0',
    status: 400,
    reason: `Bad Request (${fault})`,
    headers,
    body: Buffer.alloc(0),
  };
}
