/**
 * Every setting of `vsip serve`, in one table: its flag, its `VSIP_*` environment variable,
 * its type, default and help. The CLI builds its options from this table, `loadConfig`
 * validates against it and the `Config` type is derived from it (`config.ts`), so a flag, its
 * environment variable and its type can never drift apart.
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

export const SERVE_OPTIONS = [
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
  { key: 'sipMaxCalls', flag: '--sip-max-calls', env: 'VSIP_SIP_MAX_CALLS', type: 'int', default: '100000', min: 0, max: 10_000_000, help: 'overload: calls in progress or answered at which new INVITEs get 503 + Retry-After (0 = no limit)', arg: 'n' },
  { key: 'sipMaxTransactions', flag: '--sip-max-transactions', env: 'VSIP_SIP_MAX_TRANSACTIONS', type: 'int', default: '700000', min: 0, max: 10_000_000, help: 'overload: live SIP transactions above which new out-of-dialog requests are dropped unanswered (0 = no limit); a UDP call holds ~4 for up to 32 s, so the table settles near 100 × calls/s: the default carries ~7,000 calls/s sustained in ~650 MB of heap (≈ 0.9 KB per waiting transaction)', arg: 'n' },
  { key: 'sipMaxLag', flag: '--sip-max-lag', env: 'VSIP_SIP_MAX_LAG', type: 'int', default: '200', min: 0, max: 60_000, help: 'overload: event-loop lag in ms above which new INVITEs get 503 until it falls under half (0 = off)', arg: 'ms' },
  { key: 'sipMaxLoad', flag: '--sip-max-load', env: 'VSIP_SIP_MAX_LOAD', type: 'int', default: '90', min: 0, max: 100, help: 'overload: event-loop utilisation (%) the gateway steers to while busy with SIP; above it a growing share of new INVITEs gets 503 + Retry-After (0 = off)', arg: 'percent' },
  { key: 'sipRetryAfter', flag: '--sip-retry-after', env: 'VSIP_SIP_RETRY_AFTER', type: 'int', default: '5', min: 1, max: 3600, help: 'seconds in the Retry-After of an overload 503', arg: 's' },
  { key: 'sipMaxConnections', flag: '--sip-max-connections', env: 'VSIP_SIP_MAX_CONNECTIONS', type: 'int', default: '10000', min: 1, max: 1_000_000, help: 'open inbound TCP/TLS connections per listener before new ones are refused', arg: 'n' },
  { key: 'sipPikeRate', flag: '--sip-pike-rate', env: 'VSIP_SIP_PIKE_RATE', type: 'int', default: '200', min: 0, max: 1_000_000, help: 'requests per second from one source IP on the access side before it is blocked (sources whitelisted on a trunk are exempt; 0 = off)', arg: 'n' },
  { key: 'sipPikeBlockSeconds', flag: '--sip-pike-block-seconds', env: 'VSIP_SIP_PIKE_BLOCK_SECONDS', type: 'int', default: '60', min: 1, max: 86_400, help: 'how long a flooding source is ignored', arg: 's' },
  { key: 'sipPikeMaxSources', flag: '--sip-pike-max-sources', env: 'VSIP_SIP_PIKE_MAX_SOURCES', type: 'int', default: '100000', min: 1, max: 10_000_000, help: 'source IPs tracked by the flood detector at most (oldest forgotten first)', arg: 'n' },
  { key: 'sipTrunkMaxCps', flag: '--sip-trunk-max-cps', env: 'VSIP_SIP_TRUNK_MAX_CPS', type: 'int', default: '0', min: 0, max: 1_000_000, help: 'calls per second per trunk when the trunk sets no max_calls_per_second (0 = no limit)', arg: 'n' },
  { key: 'sipTrunkMaxCalls', flag: '--sip-trunk-max-calls', env: 'VSIP_SIP_TRUNK_MAX_CALLS', type: 'int', default: '0', min: 0, max: 10_000_000, help: 'concurrent calls per trunk when the trunk sets no max_concurrent_calls (0 = no limit)', arg: 'n' },
  { key: 'sipAuthMaxFailures', flag: '--sip-auth-max-failures', env: 'VSIP_SIP_AUTH_MAX_FAILURES', type: 'int', default: '10', min: 1, max: 1_000_000, help: 'failed digest attempts (REGISTER or INVITE) from one source within --sip-auth-window-seconds before it is blocked', arg: 'n' },
  { key: 'sipAuthWindowSeconds', flag: '--sip-auth-window-seconds', env: 'VSIP_SIP_AUTH_WINDOW_SECONDS', type: 'int', default: '60', min: 1, max: 86_400, help: 'window in which digest failures are counted', arg: 's' },
  { key: 'sipAuthBlockSeconds', flag: '--sip-auth-block-seconds', env: 'VSIP_SIP_AUTH_BLOCK_SECONDS', type: 'int', default: '600', min: 1, max: 604_800, help: 'how long a source that guessed wrong too often gets 403 on REGISTER and digest INVITE', arg: 's' },
  { key: 'callLogMaxBuffered', flag: '--call-log-max-buffered', env: 'VSIP_CALL_LOG_MAX_BUFFERED', type: 'int', default: '50000', min: 100, max: 10_000_000, help: 'call records held in memory while the store catches up; beyond it the oldest are dropped (counted)', arg: 'n' },
  { key: 'sipWorkers', flag: '--sip-workers', env: 'VSIP_SIP_WORKERS', type: 'int', default: '1', min: 1, max: 64, help: 'gateway processes sharing the SIP ports (a call stays in one: UDP is steered by Call-ID); more than 1 pays off when one core is not enough, see docs/gateway.md', arg: 'n' },
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
] as const satisfies readonly OptionSpec[];
