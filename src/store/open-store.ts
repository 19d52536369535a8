/**
 * Opens the configured store and brings its schema up to date.
 * A `postgres://` or `postgresql://` URL selects PostgreSQL; anything else is SQLite at
 * `<dataDir>/vsip.db`. The secret key comes from `secretKey` (VSIP_SECRET_KEY) or the
 * generated `<dataDir>/secret.key` — on PostgreSQL too, which is why several hosts sharing one
 * PostgreSQL must all be given the same VSIP_SECRET_KEY.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSecretKey } from './secrets/load-secret-key.js';
import { SecretBox } from './secrets/secret-box.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  databaseUrl?: string | null;
  dataDir: string;
  secretKey?: string | null;
  /** Background errors (PostgreSQL: idle pool clients, the LISTEN connection); for the log. */
  onError?: (err: unknown) => void;
}

export const isPostgresUrl = (url: string | null | undefined): url is string =>
  !!url && /^postgres(ql)?:\/\//i.test(url);

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const box = new SecretBox(loadSecretKey({ secretKey: opts.secretKey ?? null, dataDir: opts.dataDir }));
  if (isPostgresUrl(opts.databaseUrl)) {
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore(opts.databaseUrl, box, { onError: opts.onError });
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const { openSqliteStore } = await import('./sqlite-store.js');
  return openSqliteStore(join(opts.dataDir, 'vsip.db'), box);
}
