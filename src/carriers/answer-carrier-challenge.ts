import { answerChallenge, getHeaderValues, parseDigestParams, type SipHeader, type SipResponse } from '../sip/index.js';
import type { CarrierCredentials } from './carrier-plan.js';

/**
 * The header answering a carrier's 401 (Authorization) or 407 (Proxy-Authorization) with its
 * credentials, or null when there is nothing we can answer: no Digest challenge, a realm other than
 * the configured one, only auth-int or an unknown algorithm. Of several challenges the first we can
 * answer is taken: the server lists them in its order of preference (RFC 7616 §3.7, RFC 8760 §2.4).
 *
 * @see RFC 3261 §22.2 (401) and §22.3 (407)
 */
export function answerCarrierChallenge(
  res: SipResponse,
  credentials: CarrierCredentials,
  method: string,
  uri: string,
): SipHeader | null {
  const proxy = res.status === 407;
  const challenges = getHeaderValues(res, proxy ? 'proxy-authenticate' : 'www-authenticate');
  for (const challenge of challenges) {
    const realm = parseDigestParams(challenge)?.params.get('realm') ?? null;
    if (credentials.realm !== null && realm !== credentials.realm) continue;
    try {
      const value = answerChallenge({
        challenge,
        method,
        uri,
        username: credentials.authUsername ?? credentials.username,
        password: credentials.password,
      });
      return { name: proxy ? 'proxy-authorization' : 'authorization', value };
    } catch {
      /* not one we can answer: try the next */
    }
  }
  return null;
}
