import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where the CLI's API client settings come from: a saved profile, overridden field by field by
 * `VSIP_API_URL`, `VSIP_ACCOUNT_SID`, `VSIP_API_KEY`, `VSIP_API_TOKEN`. This is the only CLI
 * module that reads the environment; `main` hands it `process.env`.
 *
 * The file holds an API token, so it is written 0600 in a 0700 directory, like ~/.ssh.
 */

export interface Profile {
  api_url: string;
  account_sid: string;
  api_key: string;
  api_token: string;
}

interface ConfigFile {
  default_profile?: string;
  profiles: Record<string, Partial<Profile>>;
}

export type Env = Readonly<Record<string, string | undefined>>;

const ENV_FIELDS: ReadonlyArray<[keyof Profile, string]> = [
  ['api_url', 'VSIP_API_URL'],
  ['account_sid', 'VSIP_ACCOUNT_SID'],
  ['api_key', 'VSIP_API_KEY'],
  ['api_token', 'VSIP_API_TOKEN'],
];

/** `$XDG_CONFIG_HOME/vsip/config.json`, else `~/.config/vsip/config.json`. */
export function configFilePath(env: Env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0
      ? env.XDG_CONFIG_HOME
      : join(env.HOME ?? homedir(), '.config');
  return join(base, 'vsip', 'config.json');
}

function readConfigFile(path: string): ConfigFile {
  if (!existsSync(path)) return { profiles: {} };
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConfigFile>;
  return { default_profile: parsed.default_profile, profiles: parsed.profiles ?? {} };
}

/** The profile name in effect: `--profile`, else `VSIP_PROFILE`, else the file's default, else `default`. */
export function profileName(env: Env, flag: string | undefined): string {
  if (flag) return flag;
  if (env.VSIP_PROFILE) return env.VSIP_PROFILE;
  try {
    return readConfigFile(configFilePath(env)).default_profile ?? 'default';
  } catch {
    return 'default';
  }
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** The settings to use for one command: the saved profile, then the environment on top. */
export function resolveProfile(env: Env, flag?: string): Profile {
  const name = profileName(env, flag);
  const path = configFilePath(env);
  let saved: Partial<Profile> = {};
  try {
    saved = readConfigFile(path).profiles[name] ?? {};
  } catch (err) {
    throw new ProfileError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const merged: Partial<Profile> = { ...saved };
  for (const [field, variable] of ENV_FIELDS) {
    const v = env[variable];
    if (v !== undefined && v !== '') merged[field] = v;
  }
  const missing = ENV_FIELDS.filter(([field]) => !merged[field]).map(([, variable]) => variable);
  if (missing.length > 0) {
    const which = flag || env.VSIP_PROFILE ? `profile "${name}"` : 'no profile saved';
    throw new ProfileError(
      `not logged in (${which}; missing ${missing.join(', ')}): run \`vsip login\` or set ${missing.join(', ')}`,
    );
  }
  return merged as Profile;
}

/** Saves (or replaces) one profile; returns the file path. The file is 0600 and its directory 0700. */
export function saveProfile(env: Env, name: string, profile: Profile, makeDefault: boolean): string {
  const path = configFilePath(env);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = readConfigFile(path);
  file.profiles[name] = profile;
  if (makeDefault || !file.default_profile) file.default_profile = name;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

/** A secret shown only as its length class and last four characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '********';
  return `${'*'.repeat(8)}${secret.slice(-4)}`;
}
