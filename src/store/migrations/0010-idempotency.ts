/**
 * Idempotency keys of POST requests (Stripe's semantics), in the store so that every API node
 * sees them: the first request claims the key (`state` pending), its answer is kept (`state`
 * done) and replayed for 24 h to a retry with the same key and body.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function idempotencyMigration(_dialect: SqlDialectKind): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('idempotency_keys')
        // The account's SID, or `operator` for the operator API. No foreign key: rows go by age.
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        /** SHA-256 of method, path and body: a retry must be the same request. */
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('body', 'text')
        /** Milliseconds since the epoch: claim time, then answer time. */
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_sid', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_ms').execute();
    },
  };
}
