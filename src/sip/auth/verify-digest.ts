import { timingSafeEqual } from 'node:crypto';
import { computeDigestResponse, normalizeAlgorithm } from './digest-hash.js';
import { checkNonce } from './digest-nonce.js';
import type { NonceCountCache } from './nonce-count-cache.js';
import { textToOctets } from '../message/text-to-octets.js';
import { parseAuthorization, type DigestCredentials } from './parse-authorization.js';

export type DigestFailure =
  | 'bad_password'
  | 'stale'
  | 'bad_nonce'
  | 'replay'
  | 'malformed'
  | 'realm'
  | 'unsupported_algorithm';

/**
 * `nonceStale` on a `bad_password`: the response was wrong and the nonce had also expired, so the
 * answer was not to a live challenge of ours (a server counting guesses should not count it).
 * `username` is the octet string the credentials carry (see `message/types.ts`).
 */
export type DigestVerdict =
  | { ok: true; username: string }
  | { ok: false; reason: DigestFailure; username?: string; nonceStale?: boolean };

export interface VerifyDigestOptions {
  /** The header value or the result of `parseAuthorization`. */
  authorization: string | DigestCredentials;
  method: string;
  /** Text, as stored: hashed as UTF-8. */
  password: string;
  /** Text, as configured: compared with the credentials' realm as its UTF-8 octets. */
  realm: string;
  secret: string | Buffer;
  /** Milliseconds since the epoch. */
  now: number;
  nonceTtlSeconds: number;
  /** The address the nonce was issued to, when challenges are bound to one (see digest-nonce.ts). */
  bound?: string;
  /** When given, nonce-counts must increase per nonce (qop=auth only; RFC 2069 has no nc). */
  nonceCounts?: NonceCountCache;
}

function sameHex(a: string, b: string): boolean {
  const ab = Buffer.from(a.toLowerCase(), 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Checks Digest credentials against a known password. The order matters: `stale` is only reported
 * when the response was otherwise right, so the client may retry with the fresh nonce without
 * prompting for a password (RFC 2617 §3.2.1 "stale"). The response is computed over the `uri` the
 * client put in the header (RFC 2617 §3.2.2.5) — sipp sends the remote host there, not the
 * Request-URI — so a proxy verifying credentials does not depend on how the request was routed.
 *
 * @see RFC 3261 §22.4, RFC 7616 §3.4, RFC 8760
 */
export function verifyDigest(options: VerifyDigestOptions): DigestVerdict {
  const creds =
    typeof options.authorization === 'string' ? parseAuthorization(options.authorization) : options.authorization;
  if (creds === null) return { ok: false, reason: 'malformed' };
  const username = creds.username;
  const algorithm = normalizeAlgorithm(creds.algorithm);
  if (algorithm === null) return { ok: false, reason: 'unsupported_algorithm', username };
  if (creds.realm !== textToOctets(options.realm)) return { ok: false, reason: 'realm', username };
  let qop: 'auth' | undefined;
  let ncValue = 0;
  if (creds.qop !== undefined) {
    if (creds.qop.toLowerCase() !== 'auth') return { ok: false, reason: 'malformed', username };
    if (creds.nc === undefined || !/^[0-9a-fA-F]{8}$/.test(creds.nc) || creds.cnonce === undefined) {
      return { ok: false, reason: 'malformed', username };
    }
    qop = 'auth';
    ncValue = Number.parseInt(creds.nc, 16);
  }
  const nonce = checkNonce(options.secret, options.realm, creds.nonce, options.bound);
  if (nonce === null) return { ok: false, reason: 'bad_nonce', username };
  const expected = computeDigestResponse({
    algorithm,
    username,
    realm: creds.realm,
    password: options.password,
    method: options.method,
    uri: creds.uri,
    nonce: creds.nonce,
    qop,
    nc: creds.nc,
    cnonce: creds.cnonce,
  });
  const age = options.now - nonce.issuedAt;
  const stale = age > options.nonceTtlSeconds * 1000 || age < -60_000;
  if (!sameHex(creds.response, expected))
    return stale
      ? { ok: false, reason: 'bad_password', username, nonceStale: true }
      : { ok: false, reason: 'bad_password', username };
  if (stale) return { ok: false, reason: 'stale', username };
  if (qop === 'auth' && options.nonceCounts !== undefined && !options.nonceCounts.accept(creds.nonce, ncValue)) {
    return { ok: false, reason: 'replay', username };
  }
  return { ok: true, username };
}
