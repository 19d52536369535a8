/**
 * SIP digest passwords: 24 characters from a 64-symbol URL-safe alphabet = 144 bits from the
 * CSPRNG. 256 is a multiple of 64, so `byte & 63` picks every symbol with equal probability.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function generateSipPassword(length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 63];
  return out;
}
