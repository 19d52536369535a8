import { createNonce } from './digest-nonce.js';
import { quoteDigestValue } from './digest-params.js';
import { textToOctets } from '../message/text-to-octets.js';

export interface ChallengeOptions {
  /** Text, as configured: goes into the header as its UTF-8 octets, which clients hash. */
  realm: string;
  algorithm?: 'MD5' | 'SHA-256';
  /** Server secret the stateless nonce is signed with; every node of a cluster shares it. */
  secret: string | Buffer;
  /** Milliseconds since the epoch (injected, so the function stays pure apart from the nonce salt). */
  now: number;
  /** Set when the previous credentials were right but their nonce had expired (RFC 2617 §3.2.1). */
  stale?: boolean;
  opaque?: string;
  /** Offer `qop="auth"` (default true). Without it the client answers the RFC 2069 way. */
  qop?: boolean;
  /** The address the challenge is sent to, folded into the nonce (see digest-nonce.ts). */
  bound?: string;
  /** Fixed salt, for tests only. */
  salt?: Buffer;
}

/**
 * The value of a `WWW-Authenticate` (401) or `Proxy-Authenticate` (407) header.
 * A server offering both algorithms adds two headers, SHA-256 first (RFC 8760 §2.4).
 *
 * @see RFC 3261 §22.1, RFC 7616 §3.3
 */
export function buildChallenge(options: ChallengeOptions): string {
  const parts = [
    `realm=${quoteDigestValue(textToOctets(options.realm))}`,
    `nonce=${quoteDigestValue(createNonce(options.secret, options.realm, options.now, options.salt, options.bound))}`,
  ];
  if (options.opaque !== undefined) parts.push(`opaque=${quoteDigestValue(options.opaque)}`);
  if (options.stale === true) parts.push('stale=true');
  parts.push(`algorithm=${options.algorithm ?? 'MD5'}`);
  if (options.qop !== false) parts.push('qop="auth"');
  return `Digest ${parts.join(', ')}`;
}
