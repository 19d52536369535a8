import { parseDigestParams } from './digest-params.js';

/** Digest credentials as sent in `Authorization` / `Proxy-Authorization`. @see RFC 3261 §22.4, §25.1 */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string | undefined;
  cnonce: string | undefined;
  opaque: string | undefined;
  qop: string | undefined;
  /** The 8 hex digits as sent. */
  nc: string | undefined;
}

/** Parses a Digest credentials header value; null when it is not Digest or misses a required field. */
export function parseAuthorization(value: string): DigestCredentials | null {
  const parsed = parseDigestParams(value);
  if (parsed === null || parsed.scheme.toLowerCase() !== 'digest') return null;
  const p = parsed.params;
  const username = p.get('username');
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const uri = p.get('uri');
  const response = p.get('response');
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  ) {
    return null;
  }
  return {
    username,
    realm,
    nonce,
    uri,
    response,
    algorithm: p.get('algorithm'),
    cnonce: p.get('cnonce'),
    opaque: p.get('opaque'),
    qop: p.get('qop'),
    nc: p.get('nc'),
  };
}
