import { randomBytes } from 'node:crypto';
import { computeDigestResponse, normalizeAlgorithm } from './digest-hash.js';
import { parseDigestParams, quoteDigestValue } from './digest-params.js';
import { textToOctets } from '../message/text-to-octets.js';

export interface AnswerChallengeOptions {
  /** The `WWW-Authenticate` / `Proxy-Authenticate` header value (octets, as received). */
  challenge: string;
  method: string;
  /** Digest-uri to sign (octets); normally the Request-URI. */
  uri: string;
  /** Text, as configured: sent and hashed as its UTF-8 octets. */
  username: string;
  /** Text, as configured: hashed as UTF-8. */
  password: string;
  cnonce?: string;
  /** Nonce-count, 1 for the first use of a nonce. */
  nc?: number;
}

/**
 * Client side: the `Authorization` / `Proxy-Authorization` value answering a Digest challenge.
 * Uses qop=auth when offered, else the RFC 2069 form. Throws a plain Error for a challenge it cannot
 * answer (not Digest, unknown algorithm, only auth-int) — that is a caller bug or a hostile server.
 *
 * @see RFC 3261 §22.2–§22.3, RFC 7616 §3.4
 */
export function answerChallenge(options: AnswerChallengeOptions): string {
  const parsed = parseDigestParams(options.challenge);
  if (parsed === null || parsed.scheme.toLowerCase() !== 'digest') throw new Error('not a Digest challenge');
  const p = parsed.params;
  const realm = p.get('realm') ?? '';
  const nonce = p.get('nonce');
  if (nonce === undefined) throw new Error('Digest challenge without nonce');
  const algorithm = normalizeAlgorithm(p.get('algorithm'));
  if (algorithm === null) throw new Error(`unsupported Digest algorithm ${p.get('algorithm')}`);
  const qopOffered = p.get('qop');
  const qops = qopOffered === undefined ? [] : qopOffered.split(',').map((q) => q.trim().toLowerCase());
  if (qopOffered !== undefined && !qops.includes('auth')) throw new Error('Digest challenge offers only auth-int');
  const qop = qops.includes('auth') ? 'auth' : undefined;
  const username = textToOctets(options.username);
  const cnonce = options.cnonce ?? randomBytes(12).toString('hex');
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const response = computeDigestResponse({
    algorithm,
    username,
    realm,
    password: options.password,
    method: options.method,
    uri: options.uri,
    nonce,
    qop,
    nc: qop ? nc : undefined,
    cnonce: qop || algorithm.endsWith('-sess') ? cnonce : undefined,
  });
  const parts = [
    `username=${quoteDigestValue(username)}`,
    `realm=${quoteDigestValue(realm)}`,
    `nonce=${quoteDigestValue(nonce)}`,
    `uri=${quoteDigestValue(options.uri)}`,
    `response=${quoteDigestValue(response)}`,
    `algorithm=${algorithm}`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quoteDigestValue(cnonce)}`);
  const opaque = p.get('opaque');
  if (opaque !== undefined) parts.push(`opaque=${quoteDigestValue(opaque)}`);
  return `Digest ${parts.join(', ')}`;
}
