/**
 * Fresh stores for the contract suite, per dialect. SQLite: a new data dir per store.
 * PostgreSQL: one embedded cluster per test file, a new database per store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import type { Store } from '../../src/store/types.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';

export type Kind = 'sqlite' | 'postgres';

export interface Fixture {
  readonly kind: Kind;
  /** A new, empty, migrated store (closed by `cleanup`). */
  fresh(opts?: {
    secretKey?: string;
  }): Promise<{ store: KyselyStore; dataDir: string; databaseUrl: string | null; secretKey: string }>;
  /** Another store on the same database (same key). */
  reopen(f: { dataDir: string; databaseUrl: string | null; secretKey: string }): Promise<KyselyStore>;
  cleanup(): Promise<void>;
  postgres?: TestPostgres;
}

export async function makeFixture(kind: Kind): Promise<Fixture> {
  const pg = kind === 'postgres' ? await startPostgres() : undefined;
  const stores: Store[] = [];
  const dirs: string[] = [];
  const open = async (dataDir: string, databaseUrl: string | null, secretKey: string) => {
    const s = (await openStore({ dataDir, databaseUrl, secretKey })) as KyselyStore;
    stores.push(s);
    return s;
  };
  return {
    kind,
    postgres: pg,
    async fresh(opts) {
      const dataDir = mkdtempSync(join(tmpdir(), 'vsip-store-'));
      dirs.push(dataDir);
      const databaseUrl = pg ? await pg.newDatabase() : null;
      const secretKey = opts?.secretKey ?? randomBytes(32).toString('hex');
      return { store: await open(dataDir, databaseUrl, secretKey), dataDir, databaseUrl, secretKey };
    },
    reopen: (f) => open(f.dataDir, f.databaseUrl, f.secretKey),
    async cleanup() {
      await Promise.all(stores.map((s) => s.close().catch(() => {})));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await pg?.stop();
    },
  };
}
