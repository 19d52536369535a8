/**
 * SQLite only: the change events of every committed write, so that other processes on the same
 * database file (`--role api` next to `--role sip`, `vsip accounts rotate-token` next to
 * `vsip serve`) learn of them (see `sqlite-change-feed.ts`). PostgreSQL delivers the same
 * events by LISTEN/NOTIFY and gets no table.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function changeLogMigration(dialect: SqlDialectKind): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== 'sqlite') return;
      await db.schema
        .createTable('change_log')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        // The writing store instance: a process skips its own events (it emitted them at commit).
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();
    },
  };
}
