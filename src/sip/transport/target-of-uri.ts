import { parseUri } from '../message/parse-uri.js';
import type { SipUri } from '../message/types.js';
import type { SipProtocol, SipTarget } from './transport.js';

/**
 * Where a SIP URI points: host, port and transport, by RFC 3263 §4.1–4.2 without DNS (the host is
 * used as it is). `sips:` or `transport=tls` means TLS, `transport=tcp` TCP, anything else UDP;
 * without a port, 5061 for TLS and 5060 otherwise.
 */
export function targetOfUri(uri: SipUri): SipTarget {
  const t = uri.params.get('transport');
  const tl = t === undefined || t === null ? null : t.toLowerCase();
  const protocol: SipProtocol = uri.scheme === 'sips' || tl === 'tls' ? 'tls' : tl === 'tcp' ? 'tcp' : 'udp';
  return { address: uri.host, port: uri.port ?? (protocol === 'tls' ? 5061 : 5060), protocol };
}

/** {@link targetOfUri} for a URI still in text, or null when it does not parse. */
export function targetOfUriString(uri: string): SipTarget | null {
  try {
    return targetOfUri(parseUri(uri));
  } catch {
    return null;
  }
}
