/**
 * The PostgreSQL flavour: a `pg` Pool behind Kysely, change events by LISTEN/NOTIFY.
 * Uniqueness and foreign-key races are decided by constraints (SQLSTATE 23505 / 23503) under
 * the default READ COMMITTED isolation: an insert under a trunk being deleted either waits for
 * the delete and then fails its foreign key (→ not_found), or commits first and is cascaded.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { ChangeBus } from './change-bus.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { CHANNEL, PgChangeListener } from './pg-change-listener.js';
import type { Database } from './schema.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { DbErrorKind, DialectHooks } from './store-context.js';

function classifyPgError(err: unknown): DbErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '23505') return 'unique';
  if (code === '23503') return 'foreign_key';
  return null;
}

export interface PostgresStoreOptions {
  poolSize?: number;
  onError?: (err: unknown) => void;
}

export async function openPostgresStore(
  url: string,
  box: SecretBox,
  opts: PostgresStoreOptions = {},
): Promise<KyselyStore> {
  const onError = opts.onError ?? (() => {});
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', onError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const bus = new ChangeBus();
  const listener = new PgChangeListener(
    url,
    (e) => bus.emit(e),
    () => bus.emitResync(),
    onError,
  );
  try {
    await migrateToLatest(db as Kysely<unknown>, 'postgres');
    await listener.start();
  } catch (err) {
    await listener.close();
    await db.destroy();
    throw err;
  }
  const hooks: DialectHooks = {
    kind: 'postgres',
    classifyError: classifyPgError,
    // Inside the transaction: delivered on commit, dropped on rollback (PostgreSQL NOTIFY docs).
    publishInTransaction: async (trx, events) => {
      for (const e of events) await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(e)})`.execute(trx);
    },
    afterCommit: () => {}, // our own LISTEN connection delivers it, like any other process's
    subscribe: (l) => bus.subscribe(l),
    subscribeResync: (l) => bus.subscribeResync(l),
    readSnapshot: (kdb, fn) =>
      kdb.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn),
    close: async () => {
      bus.clear();
      await listener.close();
    },
  };
  return new KyselyStore(db, hooks, box);
}
