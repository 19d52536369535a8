/**
 * `vsip serve` settings (the table is in ../options.ts): the process role, the store and the REST
 * API.
 */
import type { OptionSpec } from '../option-spec.js';

export const API_OPTIONS = [
  {
    key: 'role',
    flag: '--role',
    env: 'VSIP_ROLE',
    type: 'enum',
    default: 'all',
    values: ['all', 'api', 'sip'],
    help: 'what this process runs: the REST API, the SIP gateway, or both',
    arg: 'role',
  },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'VSIP_DATA_DIR',
    type: 'path',
    default: './data',
    help: 'where the SQLite database, key file and generated TLS certificates live',
    arg: 'dir',
  },
  {
    key: 'databaseUrl',
    flag: '--database-url',
    env: 'VSIP_DATABASE_URL',
    type: 'string',
    default: null,
    help: 'postgres://user:pass@host/db to use PostgreSQL instead of SQLite',
    arg: 'url',
  },
  {
    key: 'apiHost',
    flag: '--api-host',
    env: 'VSIP_API_HOST',
    type: 'string',
    default: '127.0.0.1',
    help: 'address the REST API listens on',
    arg: 'host',
  },
  {
    key: 'apiPort',
    flag: '--api-port',
    env: 'VSIP_API_PORT',
    type: 'port',
    default: '8080',
    help: 'port of the REST API (0 picks a free one)',
    arg: 'port',
  },
  {
    key: 'apiCert',
    flag: '--api-cert',
    env: 'VSIP_API_CERT',
    type: 'path',
    default: null,
    help: 'PEM certificate to serve the API over HTTPS',
    arg: 'file',
  },
  {
    key: 'apiKeyFile',
    flag: '--api-key-file',
    env: 'VSIP_API_KEY_FILE',
    type: 'path',
    default: null,
    help: 'PEM private key for --api-cert',
    arg: 'file',
  },
  {
    key: 'rateLimit',
    flag: '--rate-limit',
    env: 'VSIP_RATE_LIMIT',
    type: 'int',
    default: '200',
    min: 0,
    max: 1_000_000,
    help: 'API requests per minute per account (0 turns the limit off)',
    arg: 'n',
  },
] as const satisfies readonly OptionSpec[];
