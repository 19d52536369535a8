import { copyBody } from './copy-body.js';
import { parseHead } from './parse-head.js';
import type { ParsedHead } from './parse-head.js';
import { resolveLimits } from './parse-limits.js';
import type { ParseLimits } from './parse-limits.js';
import { salvagePartial } from './salvage-partial.js';
import { SipParseError } from './sip-parse-error.js';
import type { SipMessage } from './types.js';

export type StreamItem =
  | { type: 'message'; message: SipMessage }
  /** `pong: true`: the peer sent a CRLFCRLF ping and expects a CRLF pong (RFC 5626 §4.4.1). */
  | { type: 'keepalive'; pong: boolean };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const MIN_STORE = 4096;

/**
 * Incremental parser for one TCP/TLS connection: frames messages by Content-Length, which is
 * mandatory on streams (RFC 3261 §18.3, §20.14), and keeps leftover octets for the next push.
 *
 * Every limit is checked before the pending buffer may grow past it (plus at most one chunk).
 * Work is linear in the octets received however they are chunked: pending octets live in a
 * buffer that grows by doubling, and each push only scans the new octets for the end of the
 * header section and the current line length (a peer trickling one octet per segment cannot make
 * us copy or rescan what we already hold). Emitted bodies are views into that buffer, which is
 * never written below its fill mark, so they stay valid.
 *
 * After a throw the stream is out of sync: the caller must close the connection (RFC 4475 §3.3.9).
 */
export class SipStreamParser {
  private readonly limits: ParseLimits;
  /** Pending octets are `store[0, len)`; the rest of `store` is spare capacity. */
  private store: Buffer = EMPTY;
  private len = 0;
  /** Where to resume looking for the end of the header section. */
  private scanFrom = 0;
  /** Start of the last incomplete line of a header section being received. */
  private lineStart = 0;
  /** Header section already parsed, waiting for its body. */
  private head: ParsedHead | null = null;
  private bodyStart = 0;

  constructor(limits?: Partial<ParseLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** Octets held back waiting for the rest of a message. */
  get pendingBytes(): number {
    return this.len;
  }

  push(chunk: Buffer): StreamItem[] {
    const items: StreamItem[] = [];
    if (chunk.length === 0) return items;
    let buf: Buffer;
    const owned = this.len > 0;
    if (!owned) {
      buf = chunk; // common case: no copy at all
    } else {
      if (this.len + chunk.length > this.store.length) {
        const next = Buffer.allocUnsafe(Math.max(this.store.length * 2, this.len + chunk.length, MIN_STORE));
        this.store.copy(next, 0, 0, this.len);
        this.store = next;
      }
      chunk.copy(this.store, this.len);
      this.len += chunk.length;
      buf = this.store.subarray(0, this.len);
    }
    const len = buf.length;
    let pos = 0;
    const lim = this.limits;
    for (;;) {
      if (this.head !== null) {
        const cl = this.head.contentLength!;
        if (len - this.bodyStart < cl) break;
        const message = this.head.message;
        message.body = copyBody(buf, this.bodyStart, this.bodyStart + cl);
        items.push({ type: 'message', message });
        pos = this.bodyStart + cl;
        this.head = null;
        this.scanFrom = pos;
        continue;
      }
      // Keep-alives between messages (RFC 5626 §4.4.1): CRLFCRLF is a ping, a lone CRLF is skipped.
      while (pos + 2 < len && buf[pos] === 13 && buf[pos + 1] === 10) {
        if (buf[pos + 2] === 13) {
          if (pos + 3 >= len) break;
          if (buf[pos + 3] === 10) {
            items.push({ type: 'keepalive', pong: true });
            pos += 4;
            continue;
          }
        }
        pos += 2;
      }
      // Too few octets to tell a ping from a lone CRLF: wait.
      if (pos >= len || (buf[pos] === 13 && len - pos < 4)) break;
      const headEnd = buf.indexOf(CRLFCRLF, Math.max(pos, this.scanFrom - 3));
      if (headEnd === -1) {
        this.checkIncomplete(buf, pos, len);
        this.scanFrom = len;
        break;
      }
      if (headEnd - pos > lim.maxMessageSize)
        this.fail(new SipParseError('too_large', 'Message too large'), buf, pos, headEnd);
      let head: ParsedHead;
      try {
        head = parseHead(buf, pos, headEnd, lim);
      } catch (err) {
        if (err instanceof SipParseError) this.fail(err, buf, pos, headEnd);
        throw err;
      }
      const cl = head.contentLength;
      if (cl === null) {
        this.fail(
          new SipParseError('missing_header', 'Missing Content-Length (required on streams)'),
          buf,
          pos,
          headEnd,
        );
      }
      if (cl > lim.maxBodySize || headEnd + 4 - pos + cl > lim.maxMessageSize) {
        this.fail(new SipParseError('too_large', 'Message too large'), buf, pos, headEnd);
      }
      this.head = head;
      this.bodyStart = headEnd + 4;
    }
    this.keep(buf, pos, len, owned);
    return items;
  }

  /** Keeps `buf[pos, len)` for the next push, in a buffer we own with room to grow. */
  private keep(buf: Buffer, pos: number, len: number, owned: boolean): void {
    const rest = len - pos;
    if (rest === 0) {
      this.store = EMPTY;
      this.len = 0;
    } else if (pos > 0 || !owned) {
      // Copy: the caller's chunk is not ours to append to, and a consumed prefix is not worth keeping.
      const next = Buffer.allocUnsafe(Math.max(rest * 2, MIN_STORE));
      buf.copy(next, 0, pos, len);
      this.store = next;
      this.len = rest;
    }
    this.bodyStart -= pos;
    this.scanFrom = Math.max(0, this.scanFrom - pos);
    this.lineStart = Math.max(0, this.lineStart - pos);
  }

  /** Limits on a header section still arriving: total size, and the line being received. */
  private checkIncomplete(buf: Buffer, pos: number, len: number): void {
    const lim = this.limits;
    if (len - pos > lim.maxMessageSize)
      this.fail(new SipParseError('too_large', 'Header section too large'), buf, pos, len);
    let lineStart = Math.max(this.lineStart, pos);
    for (let i = buf.indexOf(10, Math.max(pos, this.scanFrom)); i !== -1; i = buf.indexOf(10, i + 1)) lineStart = i + 1;
    this.lineStart = lineStart;
    const max = lineStart === pos ? lim.maxStartLineLength : lim.maxHeaderLineLength;
    if (len - lineStart > max) this.fail(new SipParseError('line_too_long', 'Line too long'), buf, pos, len);
  }

  private fail(err: SipParseError, buf: Buffer, start: number, end: number): never {
    if (err.partial === null) err.partial = salvagePartial(buf, start, end);
    this.store = EMPTY;
    this.len = 0;
    this.head = null;
    throw err;
  }
}
