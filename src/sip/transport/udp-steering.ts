/**
 * Several processes on one UDP port (`vsip serve --sip-workers N`): Node 20's dgram cannot have
 * the kernel spread datagrams by flow (SO_REUSEPORT), so the workers share one socket and each
 * datagram is read by whichever worker is free. A call's messages must all reach the worker that
 * holds its transactions and dialog, so the reader hashes the Call-ID and hands a datagram that
 * belongs to another worker over to that worker's own port, wrapped in a small envelope that
 * keeps the original source. Responses and in-dialog requests mostly go straight to a worker's
 * own port (it is what our Via and Record-Route name), so only a call's first requests are steered.
 */

/** What a worker needs to know to steer: itself, its siblings' own ports, the shared key. */
export interface UdpSteering {
  /** This worker, 0 ≤ index < count. */
  index: number;
  count: number;
  /** Random bytes the primary gives every worker: an envelope without them is not from a sibling. */
  key: Buffer;
  /** Own UDP port of each worker by index (0 while unknown), updated as workers start. */
  peers: number[];
  /**
   * Whether this worker reads the shared socket. One reader (worker 0) is cheaper than all: every
   * worker waiting on a shared socket is woken for each datagram and all but one find it gone —
   * the cost of that herd per call is in bench/RESULTS.md ("Several gateway processes, built").
   */
  readsShared: boolean;
  /** Port of the worker's own socket (0: any free one). */
  ownPort: number;
}

/**
 * Worker `index`'s own port next to a listening port: `listen + 1000 + index` (5060 → 6060, 6061, …),
 * fixed so that firewalls can name it; any free port when the listener's is 0 or the sum is too big.
 */
export function workerOwnPort(listenPort: number, index: number): number {
  const p = listenPort + 1000 + index;
  return listenPort === 0 || p > 65535 ? 0 : p;
}

const MAGIC = 0x56535731; // "VSW1"
const KEY_BYTES = 16;
const HEAD = 4 + KEY_BYTES + 2 + 1;

/**
 * FNV-1a (32 bit) of the Call-ID value in a raw SIP message (`Call-ID:` or compact `i:`), or -1 without one in its
 * head.
 */
export function callIdHash(buf: Buffer): number {
  const n = buf.length;
  let line = buf.indexOf(10); // the start line is never a header
  while (line !== -1 && line + 1 < n) {
    const s = line + 1;
    const c = buf[s] as number;
    if (c === 13 || c === 10) return -1; // blank line: end of the head
    let p = -1;
    if ((c | 0x20) === 0x69 /* i */) p = s + 1;
    else if ((c | 0x20) === 0x63 /* c */ && s + 7 <= n && isCallIdName(buf, s)) p = s + 7;
    if (p !== -1) {
      while (p < n && (buf[p] === 32 || buf[p] === 9)) p++;
      if (p < n && buf[p] === 58 /* : */) {
        let a = p + 1;
        let b = buf.indexOf(10, a);
        if (b === -1) b = n;
        while (a < b && (buf[a] === 32 || buf[a] === 9)) a++;
        while (b > a && (buf[b - 1] === 13 || buf[b - 1] === 32 || buf[b - 1] === 9)) b--;
        let h = 0x811c9dc5;
        for (let k = a; k < b; k++) h = Math.imul(h ^ (buf[k] as number), 0x01000193);
        return h >>> 0;
      }
    }
    line = buf.indexOf(10, s);
  }
  return -1;
}

const CALL_ID = [0x63, 0x61, 0x6c, 0x6c, 0x2d, 0x69, 0x64]; // "call-id"

function isCallIdName(buf: Buffer, s: number): boolean {
  for (let i = 0; i < 7; i++) if (((buf[s + i] as number) | (i === 4 ? 0 : 0x20)) !== CALL_ID[i]) return false;
  return true;
}

/**
 * The worker a datagram belongs to: by its Call-ID, or `self` when it has none (it gets a 400 or is dropped where it
 * is).
 */
export function ownerOf(buf: Buffer, count: number, self: number): number {
  const h = callIdHash(buf);
  return h === -1 ? self : h % count;
}

/** `datagram` as received from `address:port`, wrapped for a sibling worker. */
export function wrapForSibling(key: Buffer, datagram: Buffer, address: string, port: number): Buffer {
  const addrLen = Buffer.byteLength(address, 'latin1');
  const out = Buffer.allocUnsafe(HEAD + addrLen + datagram.length);
  out.writeUInt32BE(MAGIC, 0);
  key.copy(out, 4, 0, KEY_BYTES);
  out.writeUInt16BE(port, 4 + KEY_BYTES);
  out[HEAD - 1] = addrLen;
  out.write(address, HEAD, 'latin1');
  datagram.copy(out, HEAD + addrLen);
  return out;
}

/** The original datagram and source of an envelope made with `key`, or null when `buf` is not one. */
export function unwrapFromSibling(
  key: Buffer,
  buf: Buffer,
): { datagram: Buffer; address: string; port: number } | null {
  if (buf.length < HEAD || buf.readUInt32BE(0) !== MAGIC) return null;
  if (buf.compare(key, 0, KEY_BYTES, 4, 4 + KEY_BYTES) !== 0) return null;
  const port = buf.readUInt16BE(4 + KEY_BYTES);
  const addrLen = buf[HEAD - 1] as number;
  if (buf.length < HEAD + addrLen) return null;
  const address = buf.toString('latin1', HEAD, HEAD + addrLen);
  return { datagram: buf.subarray(HEAD + addrLen), address, port };
}

export const STEERING_KEY_BYTES = KEY_BYTES;
