import { createHash } from 'node:crypto';
import { textToOctets } from '../message/text-to-octets.js';

/**
 * The Digest response computation (RFC 2617 §3.2.2, RFC 7616 §3.4.1), with no request object
 * and no I/O so it can be checked against the RFC example vectors directly.
 *
 * The digest is over octets (RFC 7616 §3.4.4): every field but the password is the octet string
 * the header carries (one char per octet, see `message/types.ts`) and is hashed byte for byte, so
 * a username, realm or URI with non-ASCII octets gives the hash the peer computed over its bytes.
 * The password is text from our own store and is hashed as its UTF-8 bytes, as SIP text is UTF-8
 * (RFC 3261 §25.1; RFC 7616 §3.4.4 with `charset=UTF-8`).
 */

/** Algorithms we accept: RFC 7616 registers MD5 and SHA-256 (and -sess variants); RFC 8760 brings them to SIP. */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['md5', 'MD5'],
  ['md5-sess', 'MD5-sess'],
  ['sha-256', 'SHA-256'],
  ['sha-256-sess', 'SHA-256-sess'],
]);

/** Canonical algorithm name, or null when unsupported. An absent parameter means MD5 (RFC 2617 §3.2.1). */
export function normalizeAlgorithm(value: string | undefined): DigestAlgorithm | null {
  if (value === undefined || value === '') return 'MD5';
  return ALGORITHMS.get(value.toLowerCase()) ?? null;
}

/** Hash of an octet string: one byte per char, never re-encoded as UTF-8. */
function hashOf(algorithm: DigestAlgorithm, octets: string): string {
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return createHash(name).update(octets, 'latin1').digest('hex');
}

/** All fields but `password` are octet strings as they appear in the header (see above). */
export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  /** Text (not octets): hashed as UTF-8. */
  password: string;
  method: string;
  /** The `uri` parameter of the credentials, not the Request-URI (RFC 2617 §3.2.2.5). */
  uri: string;
  nonce: string;
  /** `auth` or absent (RFC 2069 compatibility). `auth-int` is not supported. */
  qop?: 'auth' | undefined;
  nc?: string | undefined;
  cnonce?: string | undefined;
}

/** H(A1) for the given credentials; the `-sess` variants fold in nonce and cnonce (RFC 7616 §3.4.2). */
export function digestHa1(
  input: Pick<DigestResponseInput, 'algorithm' | 'username' | 'realm' | 'password' | 'nonce' | 'cnonce'>,
): string {
  const base = hashOf(input.algorithm, `${input.username}:${input.realm}:${textToOctets(input.password)}`);
  if (input.algorithm.endsWith('-sess')) {
    return hashOf(input.algorithm, `${base}:${input.nonce}:${input.cnonce ?? ''}`);
  }
  return base;
}

/** The hex `response` value a client sends and a server expects. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const ha1 = digestHa1(input);
  const ha2 = hashOf(input.algorithm, `${input.method}:${input.uri}`);
  if (input.qop === 'auth') {
    return hashOf(input.algorithm, `${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:auth:${ha2}`);
  }
  return hashOf(input.algorithm, `${ha1}:${input.nonce}:${ha2}`);
}
