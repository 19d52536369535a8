/**
 * API tokens: 32 CSPRNG bytes (256 bits), base64url. Only their SHA-256 is stored.
 *
 * A fast hash is enough here, unlike for passwords: a slow KDF exists to make guessing
 * low-entropy human secrets expensive, and a 256-bit random token cannot be guessed from its
 * hash at any hashing speed. A fast hash also keeps Basic auth cheap on every API request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateApiToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A hash no token maps to in practice, compared against when the API key is unknown. */
const DUMMY_HASH = hashApiToken(randomBytes(32).toString('base64url'));

/**
 * Constant-time check of `token` against a stored hash. With `storedHash` null (unknown API key)
 * it does the same work against a dummy hash and returns false, so response timing does not
 * reveal which API keys exist.
 */
export function apiTokenMatches(storedHash: string | null, token: string): boolean {
  const expected = Buffer.from(storedHash ?? DUMMY_HASH, 'hex');
  const actual = Buffer.from(hashApiToken(token), 'hex');
  const same = expected.length === actual.length && timingSafeEqual(expected, actual);
  return storedHash !== null && same;
}
