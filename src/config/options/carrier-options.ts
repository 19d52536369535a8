/**
 * `vsip serve` settings (the table is in ../options.ts): reaching carriers: DNS (RFC 3263) and TLS
 * toward them.
 */
import type { OptionSpec } from '../option-spec.js';

export const CARRIER_OPTIONS = [
  {
    key: 'dnsServer',
    flag: '--dns-server',
    env: 'VSIP_DNS_SERVER',
    type: 'string',
    default: null,
    help: 'DNS server (ip or ip:port) for carrier host names (RFC 3263 NAPTR/SRV/A); default: the system resolver',
    arg: 'addr',
  },
  {
    key: 'carrierCaFile',
    flag: '--carrier-ca-file',
    env: 'VSIP_CARRIER_CA_FILE',
    type: 'path',
    default: null,
    help: 'PEM CA bundle that carrier TLS certificates are verified against (default: the system CAs)',
    arg: 'file',
  },
  {
    key: 'carrierTlsCert',
    flag: '--carrier-tls-cert',
    env: 'VSIP_CARRIER_TLS_CERT',
    type: 'path',
    default: null,
    help: 'PEM client certificate presented to carriers over TLS (mutual TLS)',
    arg: 'file',
  },
  {
    key: 'carrierTlsKey',
    flag: '--carrier-tls-key',
    env: 'VSIP_CARRIER_TLS_KEY',
    type: 'path',
    default: null,
    help: 'PEM private key for --carrier-tls-cert',
    arg: 'file',
  },
] as const satisfies readonly OptionSpec[];
