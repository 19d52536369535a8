import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { SERVE_OPTIONS, type OptionSpec } from './options.js';

/**
 * The validated, frozen configuration of one vsip process. Built once by `loadConfig` from
 * flags and environment; everything else receives it and never reads `process.env`.
 */
export interface Config {
  role: 'all' | 'api' | 'sip';
  dataDir: string;
  databaseUrl: string | null;
  /** 32-byte key (hex or base64) for SIP passwords at rest; null = key file in dataDir. */
  secretKey: string | null;
  apiHost: string;
  apiPort: number;
  apiCert: string | null;
  apiKeyFile: string | null;
  rateLimit: number;
  sipDomain: string;
  realm: string;
  /** Digest algorithms offered in challenges, in order. */
  sipDigestAlgorithms: 'MD5' | 'SHA-256' | 'MD5,SHA-256';
  /** ms without any response from a destination (or the carrier) before failing over. */
  sipDestinationTimeout: number;
  /** Overload control and limits (issue 6); 0 turns the ones that allow it off. */
  sipMaxCalls: number;
  sipMaxTransactions: number;
  sipMaxLag: number;
  sipMaxLoad: number;
  sipRetryAfter: number;
  sipMaxConnections: number;
  sipPikeRate: number;
  sipPikeBlockSeconds: number;
  sipPikeMaxSources: number;
  sipTrunkMaxCps: number;
  sipTrunkMaxCalls: number;
  sipAuthMaxFailures: number;
  sipAuthWindowSeconds: number;
  sipAuthBlockSeconds: number;
  callLogMaxBuffered: number;
  /** Gateway worker processes (`--sip-workers`); 1 runs the gateway in the serve process itself. */
  sipWorkers: number;
  sipHost: string;
  sipAdvertise: string | null;
  sipPort: number;
  sipsPort: number;
  carrierPort: number;
  carrier: string | null;
  sipTlsCert: string | null;
  sipTlsKey: string | null;
  readyFile: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function convert(spec: OptionSpec, raw: string, origin: string): string | number {
  const fail = (expected: string): never => {
    throw new ConfigError(`${origin} = ${JSON.stringify(raw)} is not valid: expected ${expected}`);
  };
  switch (spec.type) {
    case 'port': {
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) fail('a port number 0-65535');
      return Number(raw);
    }
    case 'int': {
      if (!/^\d+$/.test(raw)) fail('a whole number');
      const n = Number(raw);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        fail(`a whole number from ${spec.min} to ${spec.max}`);
      }
      return n;
    }
    case 'enum':
      if (!spec.values?.includes(raw)) fail(`one of ${spec.values?.join(', ')}`);
      return raw;
    case 'path':
      if (raw.length === 0) fail('a path');
      return resolve(raw);
    case 'string':
      return raw;
  }
}

/**
 * @param flags values given on the command line, keyed like `OptionSpec.key` (undefined = not given)
 * @param env the process environment; `VSIP_*` variables apply where no flag was given
 */
export function loadConfig(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): Readonly<Config> {
  const out: Record<string, string | number | null> = {};
  for (const spec of SERVE_OPTIONS) {
    const flagValue = flags[spec.key];
    let raw: string | null = spec.default;
    let origin = `default of ${spec.flag}`;
    if (flagValue !== undefined && flagValue !== null) {
      raw = String(flagValue);
      origin = spec.flag;
    } else if (env[spec.env] !== undefined && env[spec.env] !== '') {
      raw = env[spec.env] as string;
      origin = spec.env;
    }
    out[spec.key] = raw === null ? null : convert(spec, raw, origin);
  }

  const config = { ...out, secretKey: env.VSIP_SECRET_KEY || null } as unknown as Config;

  if (config.databaseUrl !== null && !/^(postgres|postgresql):\/\//.test(config.databaseUrl)) {
    throw new ConfigError('--database-url / VSIP_DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite store)');
  }
  for (const key of ['sipDomain', 'realm'] as const) {
    if (!DOMAIN_RE.test(config[key])) throw new ConfigError(`--${key === 'sipDomain' ? 'sip-domain' : 'realm'} must be a DNS name such as pstn.exotel.com`);
  }
  for (const key of ['apiHost', 'sipHost'] as const) {
    const host = config[key];
    if (isIP(host) === 0 && !DOMAIN_RE.test(host)) throw new ConfigError(`--${key === 'apiHost' ? 'api-host' : 'sip-host'} must be an IP address or host name`);
  }
  if ((config.apiCert === null) !== (config.apiKeyFile === null)) {
    throw new ConfigError('--api-cert and --api-key-file go together: give both to serve the API over HTTPS, or neither');
  }
  if ((config.sipTlsCert === null) !== (config.sipTlsKey === null)) {
    throw new ConfigError('--sip-tls-cert and --sip-tls-key go together: give both, or neither for a generated self-signed certificate');
  }
  if (config.secretKey !== null && !isValidSecretKey(config.secretKey)) {
    throw new ConfigError('VSIP_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (try: openssl rand -hex 32)');
  }
  return Object.freeze(config);
}

function isValidSecretKey(value: string): boolean {
  if (/^[0-9a-f]{64}$/i.test(value)) return true;
  return Buffer.from(value, 'base64').length === 32;
}
