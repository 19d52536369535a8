import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stateless nonces: `base64url(timestamp(6 bytes) || salt(8 bytes) || HMAC-SHA256(secret,
 * ts||salt||realm[||0||bound])[0..16])`.
 * Any node holding the secret can check a nonce without shared state (DESIGN.md "Process model"),
 * and its age comes from the embedded timestamp, so expiry needs no table either.
 * The salt keeps two challenges issued in the same millisecond distinct, which matters for the
 * nonce-count replay cache keyed by nonce. `bound` (the address the challenge was sent to) is
 * folded into the MAC, so a nonce answered from another address does not check: a failure against
 * it is not evidence that this address guessed a password (anyone can forge a datagram's source,
 * but not read the challenges sent to it).
 *
 * @see RFC 7616 §3.3 (nonce "may" be built from a timestamp and a private key), §5.4
 */

const TS_BYTES = 6;
const SALT_BYTES = 8;
const MAC_BYTES = 16;
const NONCE_BYTES = TS_BYTES + SALT_BYTES + MAC_BYTES;

function mac(secret: string | Buffer, head: Buffer, realm: string, bound: string): Buffer {
  const h = createHmac('sha256', secret).update(head).update(realm, 'utf8');
  if (bound !== '') h.update(`\0${bound}`, 'utf8');
  return h.digest().subarray(0, MAC_BYTES);
}

/** Issues a nonce for `realm` at time `now` (ms since epoch), bound to `bound` when given (see above). */
export function createNonce(
  secret: string | Buffer,
  realm: string,
  now: number,
  salt: Buffer = randomBytes(SALT_BYTES),
  bound = '',
): string {
  const head = Buffer.alloc(TS_BYTES + SALT_BYTES);
  head.writeUIntBE(Math.max(0, Math.floor(now)), 0, TS_BYTES);
  salt.copy(head, TS_BYTES, 0, SALT_BYTES);
  return Buffer.concat([head, mac(secret, head, realm, bound)]).toString('base64url');
}

/**
 * `issuedAt` (ms) when the nonce was made by us for this realm (and `bound`), or null when forged, garbled or bound
 * elsewhere.
 */
export function checkNonce(
  secret: string | Buffer,
  realm: string,
  nonce: string,
  bound = '',
): { issuedAt: number } | null {
  if (nonce.length !== Math.ceil((NONCE_BYTES * 4) / 3) || !/^[A-Za-z0-9_-]+$/.test(nonce)) return null;
  const raw = Buffer.from(nonce, 'base64url');
  if (raw.length !== NONCE_BYTES) return null;
  const head = raw.subarray(0, TS_BYTES + SALT_BYTES);
  const expected = mac(secret, head, realm, bound);
  if (!timingSafeEqual(expected, raw.subarray(TS_BYTES + SALT_BYTES))) return null;
  return { issuedAt: head.readUIntBE(0, TS_BYTES) };
}
