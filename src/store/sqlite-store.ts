/**
 * The SQLite flavour: one better-sqlite3 connection behind Kysely (Kysely serialises its use,
 * so in-process transactions never interleave), WAL, foreign keys on. Change events reach other
 * processes on the same file through the change_log table (`sqlite-change-feed.ts`).
 *
 * Durability: `journal_mode=WAL` + `synchronous=NORMAL`. A commit appends to the WAL with
 * write(2) before returning, so an acknowledged write is in the OS page cache and survives the
 * process being killed (kill -9, crash, OOM) — what vsip must guarantee and what we test. Only
 * an OS crash or power loss can drop the last commits before the next checkpoint fsync; the
 * database stays consistent either way (https://sqlite.org/wal.html, "synchronous=NORMAL").
 * `synchronous=FULL` would fsync on every commit for power-loss durability at several times
 * the write latency; deployments that need that should run on PostgreSQL.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, sql } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDialectConfig } from 'kysely';
import { ChangeBus } from './change-bus.js';
import { SqliteChangeFeed } from './sqlite-change-feed.js';
import { withStatementCache } from './statement-cache.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import type { Database } from './schema.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { DbErrorKind, DialectHooks } from './store-context.js';

/**
 * `BEGIN IMMEDIATE` for write transactions: take the write lock up front, so another process
 * (e.g. `vsip accounts create` next to `vsip serve`) makes us wait busy_timeout instead of
 * failing with SQLITE_BUSY when a deferred read transaction tries to upgrade.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

function classifySqliteError(err: unknown): DbErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  return null;
}

function openReader(file: string): BetterSqlite3.Database {
  const r = new BetterSqlite3(file, { readonly: true });
  r.pragma('busy_timeout = 5000');
  return r;
}

export async function openSqliteStore(file: string, box: SecretBox): Promise<KyselyStore> {
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  // A second, read-only connection for the gateway's bulk loads: a WAL reader sees one snapshot
  // without holding the writer's connection, so API requests interleave between its batches
  // instead of queueing behind a multi-second load.
  const reader = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(openReader(file)) }),
  });
  const bus = new ChangeBus();
  // Other processes on this file (an `--role api` next to an `--role sip`, `vsip accounts …`).
  const feed = new SqliteChangeFeed(
    file,
    (e) => bus.emit(e),
    () => bus.emitResync(),
  );
  const hooks: DialectHooks = {
    kind: 'sqlite',
    classifyError: classifySqliteError,
    publishInTransaction: (trx, events) => feed.record(trx, events),
    // This process learns of its own changes at once; the feed skips them when it reads them back.
    afterCommit: (events) => {
      for (const e of events) bus.emit(e);
    },
    subscribe: (l) => bus.subscribe(l),
    subscribeResync: (l) => bus.subscribeResync(l),
    // A deferred read transaction on the reader: every query in `fn` sees one WAL snapshot.
    readSnapshot: (_writer, fn) =>
      reader.connection().execute(async (conn) => {
        await sql`begin`.execute(conn);
        try {
          return await fn(conn);
        } finally {
          await sql`commit`.execute(conn);
        }
      }),
    close: async () => {
      feed.close();
      bus.clear();
      await reader.destroy();
    },
  };
  return new KyselyStore(db, hooks, box);
}
