import { isIP } from 'node:net';
import { invalidField } from '../errors.js';
import { isIpv4 } from './ipv4-network.js';

/**
 * A carrier URI: `sip:` or `sips:` host[:port][;transport=udp|tcp|tls] (RFC 3261 §19.1.1), with no
 * user part, password, other parameters or headers — the carrier is addressed by host, and the
 * dialled number goes in the Request-URI user at call time. The host is an IPv4 address, an
 * [IPv6] reference or a DNS name (resolved by RFC 3263 at call time when no port is given).
 * `sips:` means TLS end to end (RFC 3261 §26.2.2), so `sips:` with transport=udp or tcp is refused.
 * Scheme, host and transport are returned lower-case.
 */
export const CARRIER_URI_EXPECTED =
  'expected sip: or sips: host[:port][;transport=udp|tcp|tls], e.g. sip:203.0.113.10:5060;transport=udp or ' +
  'sips:sip.carrier.example';

const FORMAT = /^(sips?):(\[[0-9A-Fa-f:.]+\]|[^:;[\]\s@]+)(?::(\d{1,5}))?(?:;transport=([A-Za-z]+))?$/i;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function isHostName(host: string): boolean {
  if (host.length > 253 || /^[\d.]+$/.test(host)) return false;
  return host.split('.').every((label) => LABEL.test(label));
}

export function carrierUri(field: string, raw: string): string {
  const fail = (why: string) => invalidField(field, `${JSON.stringify(raw)} ${why}; ${CARRIER_URI_EXPECTED}`);
  const m = FORMAT.exec(raw.trim());
  if (!m) throw fail('is not a carrier URI');
  const [, schemeText = '', host = '', portText, transportText] = m;
  const scheme = schemeText.toLowerCase();
  const ipv6 = host.startsWith('[');
  if (ipv6 ? isIP(host.slice(1, -1)) !== 6 : !isIpv4(host) && !isHostName(host)) {
    throw fail(`has an invalid host ${JSON.stringify(host)}`);
  }
  let out = `${scheme}:${host.toLowerCase()}`;
  if (portText !== undefined) {
    const port = Number(portText);
    if (port < 1 || port > 65535) throw fail(`has port ${port} out of range 1-65535`);
    out += `:${port}`;
  }
  if (transportText !== undefined) {
    const transport = transportText.toLowerCase();
    if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') {
      throw fail(`has transport ${JSON.stringify(transportText)}; use udp, tcp or tls`);
    }
    if (scheme === 'sips' && transport !== 'tls') throw fail('asks for sips: over a transport without TLS');
    out += `;transport=${transport}`;
  }
  return out;
}
