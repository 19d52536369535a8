import { normalizeHeaderName } from './header-name.js';
import { trimWs } from './lex.js';
import type { ParsePartial } from './sip-parse-error.js';
import type { SipHeader } from './types.js';

const WANTED = new Set(['via', 'from', 'to', 'call-id', 'cseq']);
const MAX_SALVAGED = 32;

/**
 * Best-effort second look at a message that failed to parse: is it a request, which method, and
 * the raw Via/From/To/Call-ID/CSeq lines, so that a 400 can be built (RFC 3261 §8.2.6). Runs only
 * on the error path and never throws.
 */
export function salvagePartial(buf: Buffer, start: number, end: number): ParsePartial {
  const s = buf.toString('latin1', start, Math.min(end, start + 65_536));
  const lines = s.split('\r\n');
  const first = lines[0] ?? '';
  const isResponse = first.slice(0, 4).toUpperCase() === 'SIP/';
  const kind: ParsePartial['kind'] = first.length === 0 ? null : isResponse ? 'response' : 'request';
  const sp = first.indexOf(' ');
  const method = kind === 'request' && sp > 0 ? first.slice(0, sp) : null;
  const headers: SipHeader[] = [];
  let current: SipHeader | null = null;
  for (let i = 1; i < lines.length && headers.length < MAX_SALVAGED; i++) {
    const line = lines[i]!;
    if (line.length === 0) break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (current !== null) current.value += ` ${trimWs(line)}`;
      continue;
    }
    current = null;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = normalizeHeaderName(line.slice(0, colon).trim());
    if (name === null || !WANTED.has(name)) continue;
    current = { name, value: trimWs(line.slice(colon + 1)) };
    headers.push(current);
  }
  return { kind, method, headers };
}
