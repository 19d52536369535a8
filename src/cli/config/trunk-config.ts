/**
 * The declarative configuration format of `vsip apply -f` and `vsip export`: an account's trunks with
 * their numbers, IP ranges, destinations and settings, in YAML (JSON is YAML too). Trunks are known by
 * name (unique in an account); a trunk field left out of the file is not managed. Parsing normalises
 * what the API would (E.164 separators, `/32` for a bare IP, lower-case host and transport), so a plan
 * compares like with like and applying an export changes nothing.
 */
import { parse, stringify } from 'yaml';

export interface NumberConfig {
  number: string;
  mode: string;
}

export interface DestinationConfig {
  destination: string;
  priority: number;
  weight: number;
}

/** Trunk fields as the API names them; undefined = not managed by the file. */
export const TRUNK_FIELDS = [
  'nso_code',
  'domain_name',
  'status',
  'auth_type',
  'registration_enabled',
  'edge_preference',
  'secure_trunking',
  'max_calls_per_second',
  'max_concurrent_calls',
] as const;
export type TrunkField = (typeof TRUNK_FIELDS)[number];

export interface TrunkConfig {
  name: string;
  fields: Partial<Record<TrunkField, unknown>>;
  numbers: NumberConfig[];
  /** `a.b.c.d/m`. */
  ips: string[];
  destinations: DestinationConfig[];
  settings: Record<string, string>;
}

export interface AccountConfig {
  trunks: TrunkConfig[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const normaliseNumber = (n: string): string => n.replace(/[\s().-]/g, '');
export const normaliseIp = (ip: string): string => (ip.includes('/') ? ip.trim() : `${ip.trim()}/32`);
export function normaliseDestination(d: string): string {
  const m = /^([^:;]+)(.*)$/.exec(d.trim());
  return m === null ? d.trim() : `${(m[1] ?? '').toLowerCase()}${(m[2] ?? '').toLowerCase()}`;
}

function list(where: string, v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(`${where}: expected a list`);
  return v;
}

function trunkFrom(raw: unknown, i: number): TrunkConfig {
  const at = `trunks[${i}]`;
  if (!isObject(raw)) throw new ConfigError(`${at}: expected a mapping with at least name`);
  const known = new Set<string>(['name', 'numbers', 'ips', 'destinations', 'settings', ...TRUNK_FIELDS]);
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) throw new ConfigError(`${at}.${k}: unknown field; expected one of ${[...known].join(', ')}`);
  }
  if (typeof raw.name !== 'string' || raw.name === '') throw new ConfigError(`${at}.name: expected the trunk name`);
  const fields: TrunkConfig['fields'] = {};
  for (const f of TRUNK_FIELDS) if (raw[f] !== undefined) fields[f] = raw[f];
  const numbers = list(`${at}.numbers`, raw.numbers).map((n, k): NumberConfig => {
    if (typeof n === 'string') return { number: normaliseNumber(n), mode: 'pstn' };
    if (isObject(n) && typeof n.number === 'string') {
      return { number: normaliseNumber(n.number), mode: typeof n.mode === 'string' ? n.mode : 'pstn' };
    }
    throw new ConfigError(`${at}.numbers[${k}]: expected "+E164" or {number, mode}`);
  });
  const ips = list(`${at}.ips`, raw.ips).map((ip, k) => {
    if (typeof ip !== 'string') throw new ConfigError(`${at}.ips[${k}]: expected "a.b.c.d" or "a.b.c.d/mask"`);
    return normaliseIp(ip);
  });
  const destinations = list(`${at}.destinations`, raw.destinations).map((d, k): DestinationConfig => {
    if (typeof d === 'string') return { destination: normaliseDestination(d), priority: 1, weight: 1 };
    if (isObject(d) && typeof d.destination === 'string') {
      return {
        destination: normaliseDestination(d.destination),
        priority: typeof d.priority === 'number' ? d.priority : 1,
        weight: typeof d.weight === 'number' ? d.weight : 1,
      };
    }
    throw new ConfigError(`${at}.destinations[${k}]: expected "host:port;transport=tls" or {destination, …}`);
  });
  const settings: Record<string, string> = {};
  if (raw.settings !== undefined && raw.settings !== null) {
    if (!isObject(raw.settings)) throw new ConfigError(`${at}.settings: expected a mapping of name: value`);
    for (const [k, v] of Object.entries(raw.settings)) settings[k] = String(v);
  }
  return { name: raw.name, fields, numbers, ips, destinations, settings };
}

export function parseAccountConfig(text: string): AccountConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`not valid YAML or JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(doc)) throw new ConfigError('expected a mapping with a trunks list');
  const trunks = list('trunks', doc.trunks).map(trunkFrom);
  const names = new Set<string>();
  for (const t of trunks) {
    if (names.has(t.name)) throw new ConfigError(`trunk ${t.name} appears twice`);
    names.add(t.name);
  }
  return { trunks };
}

/** The file form: short forms where they say the same (a pstn number as a string). */
export function formatAccountConfig(config: AccountConfig, format: 'yaml' | 'json'): string {
  const doc = {
    trunks: config.trunks.map((t) => ({
      name: t.name,
      ...t.fields,
      numbers: t.numbers.map((n) => (n.mode === 'pstn' ? n.number : { number: n.number, mode: n.mode })),
      ips: t.ips,
      destinations: t.destinations,
      settings: t.settings,
    })),
  };
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc);
}
