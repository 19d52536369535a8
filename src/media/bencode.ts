/**
 * Bencode, the encoding of rtpengine's ng control protocol: byte strings `<len>:<bytes>`,
 * integers `i<n>e`, lists `l…e` and dictionaries `d…e` with byte-string keys. Pure: no sockets.
 * Strings decode as UTF-8 text (SDP and the engine's keys are text).
 */
export type BValue = string | number | BValue[] | { [key: string]: BValue };

export class BencodeError extends Error {
  override readonly name = 'BencodeError';
}

/** Deeper nesting than any ng reply has means garbage (or a hostile peer): refuse it, never recurse without end. */
const MAX_DEPTH = 32;

export function bencode(value: BValue): Buffer {
  // One string, one Buffer: a command is a few hundred bytes of many small pieces.
  return Buffer.from(encodeText(value), 'utf8');
}

/** The encoding as text (to be sent as UTF-8): for a datagram that puts something before it. */
export function encodeText(value: BValue): string {
  if (typeof value === 'string') return `${Buffer.byteLength(value, 'utf8')}:${value}`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new BencodeError(`not an integer: ${value}`);
    return `i${value}e`;
  }
  let out: string;
  if (Array.isArray(value)) {
    out = 'l';
    for (const v of value) out += encodeText(v);
  } else {
    out = 'd';
    // Keys in raw byte order, as the format requires.
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      if (v === undefined) continue;
      out += encodeText(k) + encodeText(v);
    }
  }
  return `${out}e`;
}

/**
 * Decodes exactly one value filling `buf` from `start`; trailing bytes are an error. The buffer is
 * read once as a latin1 string (one character per byte, so bencode's byte lengths are character
 * counts) and cut with `slice`: a `delete` reply carries ~150 short strings, and a `toString` per
 * string made decoding it cost 24 µs. A string with bytes over 0x7f is decoded again as UTF-8.
 */
export function bdecode(buf: Buffer, start = 0): BValue {
  const state: DecodeState = { text: buf.toString('latin1', start), pos: 0, buf, base: start };
  const v = decodeAt(state, 0);
  if (state.pos !== state.text.length) throw new BencodeError('trailing bytes');
  return v;
}

interface DecodeState {
  /** `buf` from `base` on, one character per byte. */
  text: string;
  pos: number;
  buf: Buffer;
  base: number;
}

const NON_ASCII = /[\x80-\xff]/;

function decodeAt(s: DecodeState, depth: number): BValue {
  if (depth > MAX_DEPTH) throw new BencodeError('nested too deeply');
  const text = s.text;
  const c = text.charCodeAt(s.pos);
  if (Number.isNaN(c)) throw new BencodeError('truncated');
  if (c === 0x69 /* i */) {
    const end = text.indexOf('e', s.pos + 1);
    if (end === -1) throw new BencodeError('unterminated integer');
    const negative = text.charCodeAt(s.pos + 1) === 0x2d; /* - */
    const value = digitsAt(text, s.pos + 1 + (negative ? 1 : 0), end, 15);
    if (value === null) throw new BencodeError('bad integer');
    s.pos = end + 1;
    return negative ? -value : value;
  }
  if (c === 0x6c /* l */) {
    s.pos++;
    const list: BValue[] = [];
    while (text.charCodeAt(s.pos) !== 0x65) {
      if (s.pos >= text.length) throw new BencodeError('unterminated list');
      list.push(decodeAt(s, depth + 1));
    }
    s.pos++;
    return list;
  }
  if (c === 0x64 /* d */) {
    s.pos++;
    const dict: { [key: string]: BValue } = {};
    while (text.charCodeAt(s.pos) !== 0x65) {
      if (s.pos >= text.length) throw new BencodeError('unterminated dictionary');
      const k = decodeAt(s, depth + 1);
      if (typeof k !== 'string') throw new BencodeError('dictionary key is not a string');
      const v = decodeAt(s, depth + 1);
      // Defined, not assigned: a `__proto__` key is data here, never the object's prototype.
      if (k === '__proto__')
        Object.defineProperty(dict, k, { value: v, enumerable: true, writable: true, configurable: true });
      else dict[k] = v;
    }
    s.pos++;
    return dict;
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = text.indexOf(':', s.pos);
    const len = colon === -1 ? null : digitsAt(text, s.pos, colon, 9);
    if (colon === -1 || len === null) throw new BencodeError('bad string length');
    const end = colon + 1 + len;
    if (end > text.length) throw new BencodeError('truncated string');
    s.pos = end;
    const str = text.slice(colon + 1, end);
    return NON_ASCII.test(str) ? s.buf.toString('utf8', s.base + colon + 1, s.base + end) : str;
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)}`);
}

/** The decimal number in `text[from, to)`: 1 to `max` digits and nothing else, else null. */
function digitsAt(text: string, from: number, to: number, max: number): number | null {
  if (to <= from || to - from > max) return null;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}
