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
  const parts: Buffer[] = [];
  encodeInto(value, parts);
  return Buffer.concat(parts);
}

function encodeInto(value: BValue, out: Buffer[]): void {
  if (typeof value === 'string') {
    const b = Buffer.from(value, 'utf8');
    out.push(Buffer.from(`${b.length}:`), b);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new BencodeError(`not an integer: ${value}`);
    out.push(Buffer.from(`i${value}e`));
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('l'));
    for (const v of value) encodeInto(v, out);
    out.push(Buffer.from('e'));
  } else {
    out.push(Buffer.from('d'));
    // Keys in raw byte order, as the format requires.
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      if (v === undefined) continue;
      encodeInto(k, out);
      encodeInto(v, out);
    }
    out.push(Buffer.from('e'));
  }
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
    const text = buf.toString('latin1', s.pos + 1, end);
    if (!/^-?\d{1,15}$/.test(text)) throw new BencodeError('bad integer');
    s.pos = end + 1;
    return Number(text);
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
      // Defined, not assigned: a `__proto__` key is data here, never the object's prototype.
      Object.defineProperty(dict, k, {
        value: decodeAt(buf, s, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    s.pos++;
    return dict;
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = buf.indexOf(0x3a /* : */, s.pos);
    if (colon === -1 || colon - s.pos > 9) throw new BencodeError('bad string length');
    const text = buf.toString('latin1', s.pos, colon);
    if (!/^\d+$/.test(text)) throw new BencodeError('bad string length');
    const len = Number(text);
    const end = colon + 1 + len;
    if (end > buf.length) throw new BencodeError('truncated string');
    s.pos = end;
    return buf.toString('utf8', colon + 1, end);
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)}`);
}
