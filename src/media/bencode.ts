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

function encodeText(value: BValue): string {
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

/** Decodes exactly one value filling `buf` from `start`; trailing bytes are an error. */
export function bdecode(buf: Buffer, start = 0): BValue {
  const state = { pos: start };
  const v = decodeAt(buf, state, 0);
  if (state.pos !== buf.length) throw new BencodeError('trailing bytes');
  return v;
}

function decodeAt(buf: Buffer, s: { pos: number }, depth: number): BValue {
  if (depth > MAX_DEPTH) throw new BencodeError('nested too deeply');
  const c = buf[s.pos];
  if (c === undefined) throw new BencodeError('truncated');
  if (c === 0x69 /* i */) {
    const end = buf.indexOf(0x65 /* e */, s.pos + 1);
    if (end === -1) throw new BencodeError('unterminated integer');
    const negative = buf[s.pos + 1] === 0x2d; /* - */
    const value = digitsAt(buf, s.pos + 1 + (negative ? 1 : 0), end, 15);
    if (value === null) throw new BencodeError('bad integer');
    s.pos = end + 1;
    return negative ? -value : value;
  }
  if (c === 0x6c /* l */) {
    s.pos++;
    const list: BValue[] = [];
    while (buf[s.pos] !== 0x65) {
      if (s.pos >= buf.length) throw new BencodeError('unterminated list');
      list.push(decodeAt(buf, s, depth + 1));
    }
    s.pos++;
    return list;
  }
  if (c === 0x64 /* d */) {
    s.pos++;
    const dict: { [key: string]: BValue } = {};
    while (buf[s.pos] !== 0x65) {
      if (s.pos >= buf.length) throw new BencodeError('unterminated dictionary');
      const k = decodeAt(buf, s, depth + 1);
      if (typeof k !== 'string') throw new BencodeError('dictionary key is not a string');
      const v = decodeAt(buf, s, depth + 1);
      // Defined, not assigned: a `__proto__` key is data here, never the object's prototype.
      if (k === '__proto__')
        Object.defineProperty(dict, k, { value: v, enumerable: true, writable: true, configurable: true });
      else dict[k] = v;
    }
    s.pos++;
    return dict;
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = buf.indexOf(0x3a /* : */, s.pos);
    const len = colon === -1 ? null : digitsAt(buf, s.pos, colon, 9);
    if (colon === -1 || len === null) throw new BencodeError('bad string length');
    const end = colon + 1 + len;
    if (end > buf.length) throw new BencodeError('truncated string');
    s.pos = end;
    return buf.toString('utf8', colon + 1, end);
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)}`);
}

/** The decimal number in `buf[from, to)`: 1 to `max` digits and nothing else, else null. */
function digitsAt(buf: Buffer, from: number, to: number, max: number): number | null {
  if (to <= from || to - from > max) return null;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}
