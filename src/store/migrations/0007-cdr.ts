/**
 * Call records at scale. CDR queries read one account's (or one trunk's) records newest first over
 * a time range, so the indexes lead with the scope, then `started_at`, then `id` (the tie-break of
 * the keyset order): a one-day page is an index range scan that stops after `page_size` rows, with
 * no sort. `calls_started_idx` serves the retention job's age cut. The trunk index of 0001 ordered
 * by `id` alone is replaced, so inserts maintain as many indexes as before plus one.
 *
 * `account_settings` holds account-level settings as name/value rows (`cdr_retention_days`).
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function cdrMigration(_dialect: SqlDialectKind): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('calls_account_started_idx')
        .on('calls')
        .columns(['account_sid', 'started_at', 'id'])
        .execute();
      await db.schema
        .createIndex('calls_trunk_started_idx')
        .on('calls')
        .columns(['trunk_sid', 'started_at', 'id'])
        .execute();
      await db.schema.createIndex('calls_started_idx').on('calls').column('started_at').execute();
      await db.schema.dropIndex('calls_trunk_id_idx').ifExists().execute();

      await db.schema
        .createTable('account_settings')
        .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('account_settings_pk', ['account_sid', 'name'])
        .execute();
    },
  };
}
