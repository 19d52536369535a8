/**
 * Every setting of `vsip serve`, in one table: its flag, its `VSIP_*` environment variable,
 * its type, default and help. The CLI builds its options from this table and `loadConfig`
 * validates against it, so a flag and its environment variable can never drift apart.
 */

export type OptionType = 'string' | 'port' | 'int' | 'enum' | 'path';

export interface OptionSpec {
  /** Key in the flat settings record (camelCase of the flag). */
  key: string;
  flag: string;
  env: string;
  type: OptionType;
  /** String form of the default; null means "not set". */
  default: string | null;
  values?: readonly string[];
  min?: number;
  max?: number;
  help: string;
  /** Value placeholder shown in --help. */
  arg?: string;
}

export const SERVE_OPTIONS: readonly OptionSpec[] = [
  { key: 'role', flag: '--role', env: 'VSIP_ROLE', type: 'enum', default: 'all', values: ['all', 'api', 'sip'], help: 'what this process runs: the REST API, the SIP gateway, or both', arg: 'role' },
  { key: 'dataDir', flag: '--data-dir', env: 'VSIP_DATA_DIR', type: 'path', default: './data', help: 'where the SQLite database, key file and generated TLS certificates live', arg: 'dir' },
  { key: 'databaseUrl', flag: '--database-url', env: 'VSIP_DATABASE_URL', type: 'string', default: null, help: 'postgres://user:pass@host/db to use PostgreSQL instead of SQLite', arg: 'url' },
  { key: 'apiHost', flag: '--api-host', env: 'VSIP_API_HOST', type: 'string', default: '127.0.0.1', help: 'address the REST API listens on', arg: 'host' },
  { key: 'apiPort', flag: '--api-port', env: 'VSIP_API_PORT', type: 'port', default: '8080', help: 'port of the REST API (0 picks a free one)', arg: 'port' },
  { key: 'apiCert', flag: '--api-cert', env: 'VSIP_API_CERT', type: 'path', default: null, help: 'PEM certificate to serve the API over HTTPS', arg: 'file' },
  { key: 'apiKeyFile', flag: '--api-key-file', env: 'VSIP_API_KEY_FILE', type: 'path', default: null, help: 'PEM private key for --api-cert', arg: 'file' },
  { key: 'rateLimit', flag: '--rate-limit', env: 'VSIP_RATE_LIMIT', type: 'int', default: '200', min: 0, max: 1_000_000, help: 'API requests per minute per account (0 turns the limit off)', arg: 'n' },
  { key: 'sipDomain', flag: '--sip-domain', env: 'VSIP_SIP_DOMAIN', type: 'string', default: 'pstn.exotel.com', help: 'SIP domain; trunks use <account_sid>.<sip domain>', arg: 'domain' },
  { key: 'realm', flag: '--realm', env: 'VSIP_REALM', type: 'string', default: 'pstn.exotel.com', help: 'digest authentication realm', arg: 'realm' },
  { key: 'sipDigestAlgorithms', flag: '--sip-digest-algorithms', env: 'VSIP_SIP_DIGEST_ALGORITHMS', type: 'enum', default: 'MD5', values: ['MD5', 'SHA-256', 'MD5,SHA-256'], help: 'digest algorithms offered in 401/407 challenges; MD5 alone by default because deployed UAs (baresip/libre 1.x, many phones) give up on any SHA-256 challenge', arg: 'list' },
  { key: 'sipDestinationTimeout', flag: '--sip-destination-timeout', env: 'VSIP_SIP_DESTINATION_TIMEOUT', type: 'int', default: '5000', min: 200, max: 60000, help: 'ms to wait for any response from one destination URI (or the carrier) before failing over to the next', arg: 'ms' },
  { key: 'sipHost', flag: '--sip-host', env: 'VSIP_SIP_HOST', type: 'string', default: '0.0.0.0', help: 'address the SIP listeners bind to', arg: 'host' },
  { key: 'sipAdvertise', flag: '--sip-advertise', env: 'VSIP_SIP_ADVERTISE', type: 'string', default: null, help: 'address put in Via/Record-Route when the bind address is a wildcard (default: first non-loopback IPv4, else 127.0.0.1)', arg: 'host' },
  { key: 'sipPort', flag: '--sip-port', env: 'VSIP_SIP_PORT', type: 'port', default: '5060', help: 'access side for PBXs, UDP and TCP', arg: 'port' },
  { key: 'sipsPort', flag: '--sips-port', env: 'VSIP_SIPS_PORT', type: 'port', default: '5061', help: 'access side for PBXs, TLS', arg: 'port' },
  { key: 'carrierPort', flag: '--carrier-port', env: 'VSIP_CARRIER_PORT', type: 'port', default: '5080', help: 'carrier side listener (UDP and TCP) for calls from the PSTN', arg: 'port' },
  { key: 'carrier', flag: '--carrier', env: 'VSIP_CARRIER', type: 'string', default: null, help: 'upstream carrier SIP URI, e.g. sip:203.0.113.5:5060;transport=udp (default: the built-in PSTN simulator)', arg: 'sip-uri' },
  { key: 'sipTlsCert', flag: '--sip-tls-cert', env: 'VSIP_SIP_TLS_CERT', type: 'path', default: null, help: 'PEM certificate for SIP over TLS (default: a self-signed one generated in the data dir)', arg: 'file' },
  { key: 'sipTlsKey', flag: '--sip-tls-key', env: 'VSIP_SIP_TLS_KEY', type: 'path', default: null, help: 'PEM private key for --sip-tls-cert', arg: 'file' },
  { key: 'readyFile', flag: '--ready-file', env: 'VSIP_READY_FILE', type: 'path', default: null, help: 'write a JSON file with every listening address once started (for supervisors and tests)', arg: 'file' },
  { key: 'logLevel', flag: '--log-level', env: 'VSIP_LOG_LEVEL', type: 'enum', default: 'info', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], help: 'log level (structured JSON logs on stdout)', arg: 'level' },
];
