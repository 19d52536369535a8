/**
 * All configuration of a store as one JSON document, for either dialect: `vsip backup --format json`
 * writes it and `vsip restore` reads it back into an empty store — SQLite to PostgreSQL, PostgreSQL
 * to SQLite, or the same kind elsewhere. It is the backup a PostgreSQL deployment can take without
 * pg_dump, and the way to move between the two stores.
 *
 * What moves: accounts (API keys and token hashes, so the same tokens keep working), their settings,
 * trunks with numbers, IPs, destinations and settings, operator tokens (hashes), carriers with their
 * URIs, routes, and webhook subscriptions — every row as it is, ids included (scripts that saved a
 * number's id keep working). What does not: call records (history — CDR exports or pg_dump keep
 * them), registrations and SIP nodes (they come back on their own), idempotency answers, the change
 * log, webhook deliveries in flight, and the gateway's own secrets in `meta` (made anew).
 *
 * Secrets stay encrypted in the document, each `*_enc` column under the source store's key and
 * bound to its row's `sid` (`secrets/secret-box.ts`). The restore opens each one with the backup's
 * key and seals it again with the target store's key, so the target may have another key — and a
 * wrong key or a tampered value fails the whole restore before anything is written.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { KyselyStore } from './kysely-store.js';
import { latestMigration } from './migrations/migrate-to-latest.js';
import type { Database } from './schema.js';
import type { SecretBox } from './secrets/secret-box.js';

export const CONFIG_BACKUP_FORMAT = 'vsip-config-backup';

/** Parents before children, so foreign keys hold at every insert. */
export const EXPORTED_TABLES = [
  'accounts',
  'account_settings',
  'trunks',
  'phone_numbers',
  'whitelisted_ips',
  'destination_uris',
  'trunk_settings',
  'operator_tokens',
  'carriers',
  'carrier_uris',
  'carrier_routes',
  'route_carriers',
  'webhooks',
] as const satisfies readonly (keyof Database)[];

/** Tables a configuration backup leaves out on purpose (see the file comment for why). */
export const NOT_EXPORTED_TABLES = [
  'calls',
  'registrations',
  'sip_nodes',
  'meta',
  'change_log',
  'idempotency_keys',
  'webhook_deliveries',
] as const satisfies readonly (keyof Database)[];

type ExportedTable = (typeof EXPORTED_TABLES)[number];
type Row = Record<string, unknown>;

export interface ConfigBackup {
  format: typeof CONFIG_BACKUP_FORMAT;
  /** The last migration of the store it came from. */
  schema: string;
  created_at: string;
  tables: Record<ExportedTable, Row[]>;
}

export class ConfigBackupError extends Error {
  override readonly name = 'ConfigBackupError';
}

/** Every exported table's rows, read in one snapshot. */
export async function exportConfig(store: KyselyStore): Promise<ConfigBackup> {
  const tables = {} as Record<ExportedTable, Row[]>;
  await store.db.transaction().execute(async (trx) => {
    for (const table of EXPORTED_TABLES) {
      tables[table] = (await sql<Row>`select * from ${sql.table(table)} order by 1`.execute(trx)).rows;
    }
  });
  return { format: CONFIG_BACKUP_FORMAT, schema: latestMigration(), created_at: new Date().toISOString(), tables };
}

/** Checks the document's shape; the error says what is wrong with the file. */
export function parseConfigBackup(text: string): ConfigBackup {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigBackupError(`not a JSON configuration backup: ${(err as Error).message}`);
  }
  const d = doc as Partial<ConfigBackup> | null;
  if (d === null || typeof d !== 'object' || d.format !== CONFIG_BACKUP_FORMAT) {
    throw new ConfigBackupError(`not a vsip configuration backup (no "format": "${CONFIG_BACKUP_FORMAT}")`);
  }
  if (typeof d.schema !== 'string' || d.schema > latestMigration()) {
    throw new ConfigBackupError(
      `the backup comes from a newer vsip (schema ${String(d.schema)}, this one knows up to ${latestMigration()}): ` +
        'restore it with that version or newer',
    );
  }
  const tables = d.tables as Record<string, unknown> | undefined;
  for (const table of EXPORTED_TABLES) {
    const rows = tables?.[table];
    if (rows === undefined) continue; // a table added after the backup was taken
    if (!Array.isArray(rows) || rows.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
      throw new ConfigBackupError(`"tables.${table}" must be an array of row objects`);
    }
  }
  return { ...(d as ConfigBackup), tables: { ...emptyTables(), ...(tables as ConfigBackup['tables']) } };
}

/**
 * Writes the backup into `store`, which must hold no accounts, carriers or operator tokens. One
 * transaction: a failure leaves the store as it was.
 */
export async function importConfig(
  store: KyselyStore,
  backup: ConfigBackup,
  keys: { from: SecretBox; to: SecretBox },
): Promise<Record<ExportedTable, number>> {
  const counts = {} as Record<ExportedTable, number>;
  const resealed = {} as Record<ExportedTable, Row[]>;
  // Every secret is re-sealed before the first write, so a wrong key writes nothing.
  for (const table of EXPORTED_TABLES) resealed[table] = backup.tables[table].map((r) => reseal(table, r, keys));
  await store.db.transaction().execute(async (trx) => {
    for (const table of ['accounts', 'carriers', 'operator_tokens'] as const) {
      const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(trx);
      if (Number(row.rows[0]?.n ?? 0) > 0) {
        throw new ConfigBackupError(
          `the target store already has ${table.replace('_', ' ')}: restore into an empty one`,
        );
      }
    }
    for (const table of EXPORTED_TABLES) {
      const rows = resealed[table];
      counts[table] = rows.length;
      // Well under both dialects' bound-parameter limits.
      for (let i = 0; i < rows.length; i += 100) {
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + 100) as never)
          .execute();
      }
    }
    if (store.kind === 'postgres') await resetSequences(trx);
  });
  return counts;
}

function reseal(table: string, row: Row, keys: { from: SecretBox; to: SecretBox }): Row {
  const out: Row = { ...row };
  for (const [column, value] of Object.entries(row)) {
    if (!column.endsWith('_enc') || value === null) continue;
    const sid = row.sid;
    if (typeof value !== 'string' || typeof sid !== 'string') {
      throw new ConfigBackupError(`${table}.${column}: expected an encrypted value on a row with a sid`);
    }
    let plain: string;
    try {
      plain = keys.from.decrypt(value, sid);
    } catch {
      throw new ConfigBackupError(
        `${table} ${sid}: ${column} does not decrypt with the backup's key (wrong key file, or the backup was changed)`,
      );
    }
    out[column] = keys.to.encrypt(plain, sid);
  }
  return out;
}

/** Explicit ids were inserted: move each serial's sequence past them, or the next insert collides. */
async function resetSequences(db: Kysely<Database>): Promise<void> {
  for (const table of EXPORTED_TABLES) {
    const serial = await sql<{ seq: string | null }>`
      select pg_get_serial_sequence(${table}, 'id') as seq from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and column_name = 'id'`.execute(db);
    const seq = serial.rows[0]?.seq;
    if (seq === null || seq === undefined) continue;
    await sql`select setval(${seq}, coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
  }
}

function emptyTables(): Record<ExportedTable, Row[]> {
  return Object.fromEntries(EXPORTED_TABLES.map((t) => [t, []])) as unknown as Record<ExportedTable, Row[]>;
}
