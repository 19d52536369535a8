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

/**
 * Incremental parser for one TCP/TLS connection: frames messages by Content-Length, which is
 * mandatory on streams (RFC 3261 §18.3, §20.14), and keeps leftover octets for the next push.
 * Every limit is checked before the pending buffer may grow past it. After a throw the stream is
 * out of sync: the caller must close the connection (RFC 4475 §3.3.9).
 */
export class SipStreamParser {
  private readonly limits: ParseLimits;
  private buf: Buffer = EMPTY;
  /** Where to resume looking for the end of the header section (avoids rescanning). */
  private scanFrom = 0;
  /** Header section already parsed, waiting for its body. */
  private head: ParsedHead | null = null;
  private bodyStart = 0;

  constructor(limits?: Partial<ParseLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** Octets held back waiting for the rest of a message. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): StreamItem[] {
    const items: StreamItem[] = [];
    let buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const len = buf.length;
    let pos = 0;
    const lim = this.limits;
    for (;;) {
      if (this.head !== null) {
        const cl = this.head.contentLength!;
        if (len - this.bodyStart < cl) break;
        const message = this.head.message;
        message.body = buf.subarray(this.bodyStart, this.bodyStart + cl);
        items.push({ type: 'message', message });
        pos = this.bodyStart + cl;
        this.head = null;
        this.scanFrom = pos;
        continue;
      }
      // Keep-alives between messages (RFC 5626 §4.4.1): CRLFCRLF is a ping, a lone CRLF is skipped.
      while (pos < len && buf[pos] === 13) {
        if (pos + 1 >= len) break;
        if (buf[pos + 1] !== 10) break;
        if (pos + 2 >= len) break;
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
      if (pos >= len || (buf[pos] === 13 && len - pos < 4)) break;
      const headEnd = buf.indexOf(CRLFCRLF, Math.max(pos, this.scanFrom - 3));
      if (headEnd === -1) {
        this.checkIncomplete(buf, pos, len);
        this.scanFrom = len;
        break;
      }
      if (headEnd - pos > lim.maxMessageSize) this.fail(new SipParseError('too_large', 'Message too large'), buf, pos, headEnd);
      let head: ParsedHead;
      try {
        head = parseHead(buf, pos, headEnd, lim);
      } catch (err) {
        if (err instanceof SipParseError) this.fail(err, buf, pos, headEnd);
        throw err;
      }
      const cl = head.contentLength;
      if (cl === null) {
        this.fail(new SipParseError('missing_header', 'Missing Content-Length (required on streams)'), buf, pos, headEnd);
      }
      if (cl > lim.maxBodySize || headEnd + 4 - pos + cl > lim.maxMessageSize) {
        this.fail(new SipParseError('too_large', 'Message too large'), buf, pos, headEnd);
      }
      this.head = head;
      this.bodyStart = headEnd + 4;
    }
    // Keep only the unconsumed tail, copied so that a large chunk is not retained by a few octets.
    if (pos >= len) {
      buf = EMPTY;
    } else if (pos > 0) {
      buf = Buffer.from(buf.subarray(pos));
    }
    this.bodyStart -= pos;
    this.scanFrom = Math.max(0, this.scanFrom - pos);
    this.buf = buf;
    return items;
  }

  private checkIncomplete(buf: Buffer, pos: number, len: number): void {
    const lim = this.limits;
    if (len - pos > lim.maxMessageSize) this.fail(new SipParseError('too_large', 'Header section too large'), buf, pos, len);
    const lastLf = buf.lastIndexOf(10, len - 1);
    const lineStart = lastLf < pos ? pos : lastLf + 1;
    const max = lastLf < pos ? lim.maxStartLineLength : Math.max(lim.maxHeaderLineLength, lim.maxStartLineLength);
    if (len - lineStart > max) this.fail(new SipParseError('line_too_long', 'Line too long'), buf, pos, len);
  }

  private fail(err: SipParseError, buf: Buffer, start: number, end: number): never {
    if (err.partial === null) err.partial = salvagePartial(buf, start, end);
    this.buf = EMPTY;
    this.head = null;
    throw err;
  }
}
