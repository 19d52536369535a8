import { randomBytes } from 'node:crypto';

/** @see RFC 3261 §8.1.1.7: branch ids of RFC 3261 elements start with this cookie. */
export const BRANCH_COOKIE = 'z9hG4bK';

/**
 * A fresh branch: the cookie + 96 random bits (base64url, 16 chars). Random bytes are drawn in a
 * pooled chunk so per-request cost stays a buffer slice, not a syscall.
 */
let pool = Buffer.alloc(0);
let offset = 0;
const PER_ID = 12;

export function generateBranch(): string {
  return BRANCH_COOKIE + randomToken();
}

/** 96 random bits, base64url; also used for tags. */
export function randomToken(): string {
  if (offset + PER_ID > pool.length) {
    pool = randomBytes(PER_ID * 512);
    offset = 0;
  }
  const s = pool.toString('base64url', offset, offset + PER_ID);
  offset += PER_ID;
  return s;
}
