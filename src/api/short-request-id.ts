import { randomFillSync } from 'node:crypto';

/**
 * 12 hex characters (48 random bits), like the spec's `"request_id": "a1b2c3d4e5f6"`. Drawn from
 * a pooled buffer so that a request does not cost a call into the CSPRNG of its own.
 */
const POOL = Buffer.alloc(6 * 1024);
let cursor = POOL.length;

export function shortRequestId(): string {
  if (cursor + 6 > POOL.length) {
    randomFillSync(POOL);
    cursor = 0;
  }
  const id = POOL.toString('hex', cursor, cursor + 6);
  cursor += 6;
  return id;
}
