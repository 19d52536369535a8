const EMPTY = Buffer.alloc(0);

/**
 * The body of a parsed message as its own small buffer instead of a view into the datagram or TCP
 * chunk it arrived in. A message can live for 32 s in a transaction's wait state (Timers J, L, M,
 * RFC 3261 §17 / RFC 6026); a view would keep the whole receive buffer (for TCP a chunk of many
 * messages) alive that long and, at thousands of calls per second, grow the heap by megabytes a
 * second. The copy gets its own exact-size memory, not a slice of Node's shared 8 KB pool, where one
 * long-lived body would pin a slab of short-lived buffers. No body (BYE, ACK, most responses) is one
 * shared empty buffer.
 */
export function copyBody(buf: Buffer, start: number, end: number): Buffer {
  if (end <= start) return EMPTY;
  const body = Buffer.allocUnsafeSlow(end - start);
  buf.copy(body, 0, start, end);
  return body;
}
