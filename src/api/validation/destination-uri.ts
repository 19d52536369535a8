import type { DestinationTransport } from '../../store/types.js';
import { invalidField } from '../errors.js';
import { isIpv4 } from './ipv4-network.js';

/**
 * The spec's destination format `<ip|fqdn>:<port>;transport=<tls|tcp>`. Port and transport are
 * required (the spec's format has both; guessing 5060 vs 5061 would route calls to the wrong
 * listener). The host is a dotted IPv4 address or a DNS name (RFC 1123 labels); transport is
 * case-insensitive and stored lower-case.
 */
const FORMAT = /^([^:;\s]+):(\d{1,5});transport=([A-Za-z]+)$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export const DESTINATION_EXPECTED =
  'expected <ip|fqdn>:<port>;transport=<tls|tcp> with port 1-65535, e.g. 203.0.113.10:5061;transport=tls';

export interface ParsedDestination {
  destination: string;
  host: string;
  port: number;
  transport: DestinationTransport;
}

function isHostName(host: string): boolean {
  if (host.length > 253 || /^[\d.]+$/.test(host)) return false;
  return host.split('.').every((label) => LABEL.test(label));
}

export function destinationUri(field: string, raw: string): ParsedDestination {
  const fail = (why: string) => invalidField(field, `${JSON.stringify(raw)} ${why}; ${DESTINATION_EXPECTED}`);
  const m = FORMAT.exec(raw.trim());
  if (!m) throw fail('is not in the destination format');
  const [, host = '', portText = '', transportText = ''] = m;
  if (!isIpv4(host) && !isHostName(host)) throw fail(`has an invalid host ${JSON.stringify(host)}`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw fail(`has port ${port} out of range`);
  const transport = transportText.toLowerCase();
  // The spec's format names tls and tcp only; the error says so, since "udp" is a common guess.
  if (transport !== 'tls' && transport !== 'tcp')
    throw fail(`has transport ${JSON.stringify(transportText)}; only tls and tcp are accepted`);
  const normalHost = host.toLowerCase();
  return { destination: `${normalHost}:${port};transport=${transport}`, host: normalHost, port, transport };
}
