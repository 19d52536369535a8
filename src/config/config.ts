import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { parseEngineList } from '../media/parse-engine-list.js';
import { SERVE_OPTIONS, type OptionSpec } from './options.js';

type ServeOption = (typeof SERVE_OPTIONS)[number];

/** What an option's type parses to: a number for ports and counts, one of the listed words for an enum. */
type ValueOf<O extends OptionSpec> = O['type'] extends 'port' | 'int'
  ? number
  : O extends { type: 'enum'; values: readonly (infer V)[] }
    ? V
    : string;

/** An option without a default is null when not given. */
type SettingOf<O extends OptionSpec> = O['default'] extends null ? ValueOf<O> | null : ValueOf<O>;

/** Every setting of the option table, keyed and typed by its row. */
export type ServeSettings = { readonly [O in ServeOption as O['key']]: SettingOf<O> };

/**
 * The validated, frozen configuration of one vsip process: the option table's settings plus the
 * secret key (environment only, never a flag: it must not show in `ps`). Built once by
 * `loadConfig`; everything else receives it and never reads `process.env`.
 */
export type Config = ServeSettings & {
  /** 32-byte key (hex or base64) for SIP passwords at rest; null = key file in dataDir. */
  readonly secretKey: string | null;
};

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
export function loadConfig(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): Config {
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

  if (!isServeSettings(out)) throw new ConfigError('internal: a setting does not match its row of the option table');
  const config: Config = { ...out, secretKey: env.VSIP_SECRET_KEY || null };

  if (config.databaseUrl !== null && !/^(postgres|postgresql):\/\//.test(config.databaseUrl)) {
    throw new ConfigError(
      '--database-url / VSIP_DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite store)',
    );
  }
  for (const key of ['sipDomain', 'realm'] as const) {
    if (!DOMAIN_RE.test(config[key]))
      throw new ConfigError(
        `--${key === 'sipDomain' ? 'sip-domain' : 'realm'} must be a DNS name such as pstn.exotel.com`,
      );
  }
  for (const key of ['apiHost', 'sipHost', 'opsHost'] as const) {
    const host = config[key];
    if (isIP(host) === 0 && !DOMAIN_RE.test(host))
      throw new ConfigError(`--${key.replace('Host', '-host')} must be an IP address or host name`);
  }
  if ((config.apiCert === null) !== (config.apiKeyFile === null)) {
    throw new ConfigError(
      '--api-cert and --api-key-file go together: give both to serve the API over HTTPS, or neither',
    );
  }
  if ((config.sipTlsCert === null) !== (config.sipTlsKey === null)) {
    throw new ConfigError(
      '--sip-tls-cert and --sip-tls-key go together: give both, or neither for a generated self-signed certificate',
    );
  }
  if ((config.carrierTlsCert === null) !== (config.carrierTlsKey === null)) {
    throw new ConfigError('--carrier-tls-cert and --carrier-tls-key go together: give both, or neither');
  }
  if (
    config.dnsServer !== null &&
    !/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])(:\d{1,5})?$|^[0-9a-f:]+$/i.test(config.dnsServer)
  ) {
    throw new ConfigError('--dns-server must be an IP address, optionally with :port (e.g. 127.0.0.1:5353)');
  }
  const ports = /^(\d{1,5})-(\d{1,5})$/.exec(config.rtpPorts);
  if (ports === null || Number(ports[1]) < 1024 || Number(ports[2]) > 65535 || Number(ports[1]) >= Number(ports[2])) {
    throw new ConfigError('--rtp-ports must be a range such as 10000-20000 (from 1024 to 65535)');
  }
  if (config.rtpengine !== null) {
    try {
      parseEngineList(config.rtpengine);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  if (config.secretKey !== null && !isValidSecretKey(config.secretKey)) {
    throw new ConfigError(
      'VSIP_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (try: openssl rand -hex 32)',
    );
  }
  return Object.freeze(config);
}

function isValidSecretKey(value: string): boolean {
  if (/^[0-9a-f]{64}$/i.test(value)) return true;
  return Buffer.from(value, 'base64').length === 32;
}

/**
 * Each value has the type its row gives it (`convert` made it so); this is what lets the record be a `ServeSettings`.
 */
function isServeSettings(values: Readonly<Record<string, string | number | null>>): values is ServeSettings {
  return SERVE_OPTIONS.every((spec: OptionSpec) => fitsRow(spec, values[spec.key]));
}

function fitsRow(spec: OptionSpec, v: string | number | null | undefined): boolean {
  if (v === null || v === undefined) return v === null && spec.default === null;
  switch (spec.type) {
    case 'port':
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'enum':
      return typeof v === 'string' && spec.values !== undefined && spec.values.includes(v);
    case 'path':
    case 'string':
      return typeof v === 'string';
  }
}
