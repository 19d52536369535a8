/**
 * `vsip serve` settings (the table is in ../options.ts): where the SIP gateway listens and what it
 * advertises: workers, ports, TLS, the default carrier.
 */
import type { OptionSpec } from '../option-spec.js';

export const SIP_LISTEN_OPTIONS = [
  {
    key: 'sipWorkers',
    flag: '--sip-workers',
    env: 'VSIP_SIP_WORKERS',
    type: 'int',
    default: '1',
    min: 1,
    max: 64,
    help:
      'gateway processes sharing the SIP ports (a call stays in one: UDP is steered by Call-ID); more than 1 ' +
      'pays off when one core is not enough, see docs/gateway.md',
    arg: 'n',
  },
  {
    key: 'sipHost',
    flag: '--sip-host',
    env: 'VSIP_SIP_HOST',
    type: 'string',
    default: '0.0.0.0',
    help: 'address the SIP listeners bind to',
    arg: 'host',
  },
  {
    key: 'sipAdvertise',
    flag: '--sip-advertise',
    env: 'VSIP_SIP_ADVERTISE',
    type: 'string',
    default: null,
    help:
      'address put in Via/Record-Route when the bind address is a wildcard (default: first non-loopback IPv4, ' +
      'else 127.0.0.1)',
    arg: 'host',
  },
  {
    key: 'sipPort',
    flag: '--sip-port',
    env: 'VSIP_SIP_PORT',
    type: 'port',
    default: '5060',
    help: 'access side for PBXs, UDP and TCP',
    arg: 'port',
  },
  {
    key: 'sipsPort',
    flag: '--sips-port',
    env: 'VSIP_SIPS_PORT',
    type: 'port',
    default: '5061',
    help: 'access side for PBXs, TLS',
    arg: 'port',
  },
  {
    key: 'carrierPort',
    flag: '--carrier-port',
    env: 'VSIP_CARRIER_PORT',
    type: 'port',
    default: '5080',
    help: 'carrier side listener (UDP and TCP) for calls from the PSTN',
    arg: 'port',
  },
  {
    key: 'carrier',
    flag: '--carrier',
    env: 'VSIP_CARRIER',
    type: 'string',
    default: null,
    help: 'upstream carrier SIP URI, e.g. sip:203.0.113.5:5060;transport=udp (default: the built-in PSTN simulator)',
    arg: 'sip-uri',
  },
  {
    key: 'sipTlsCert',
    flag: '--sip-tls-cert',
    env: 'VSIP_SIP_TLS_CERT',
    type: 'path',
    default: null,
    help: 'PEM certificate for SIP over TLS (default: a self-signed one generated in the data dir)',
    arg: 'file',
  },
  {
    key: 'sipTlsKey',
    flag: '--sip-tls-key',
    env: 'VSIP_SIP_TLS_KEY',
    type: 'path',
    default: null,
    help: 'PEM private key for --sip-tls-cert',
    arg: 'file',
  },
] as const satisfies readonly OptionSpec[];
