/**
 * `vsip serve` settings (the table is in ../options.ts): running it: the ready file, the log
 * level, the ops listener (/health, /ready, /metrics).
 */
import type { OptionSpec } from '../option-spec.js';

export const OPS_OPTIONS = [
  {
    key: 'readyFile',
    flag: '--ready-file',
    env: 'VSIP_READY_FILE',
    type: 'path',
    default: null,
    help: 'write a JSON file with every listening address once started (for supervisors and tests)',
    arg: 'file',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'VSIP_LOG_LEVEL',
    type: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    help: 'log level (structured JSON logs on stdout)',
    arg: 'level',
  },
  {
    key: 'opsHost',
    flag: '--ops-host',
    env: 'VSIP_OPS_HOST',
    type: 'string',
    default: '127.0.0.1',
    help: 'address of the operations listener (--ops-port)',
    arg: 'host',
  },
  {
    key: 'opsPort',
    flag: '--ops-port',
    env: 'VSIP_OPS_PORT',
    type: 'port',
    default: null,
    help: 'port serving /health, /ready and /metrics for probes and Prometheus (any role; off when unset)',
    arg: 'port',
  },
] as const satisfies readonly OptionSpec[];
