/**
 * Webhook subscriptions and their durable outbox. An event is written to the outbox once per
 * matching subscription, in the store, so a crash or restart between the event and its POST
 * loses nothing: the dispatcher claims due rows with a lease (`lease_until_ms`), so two API
 * nodes never send one delivery at once and a node that dies mid-send lets another re-send.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function webhooksMigration(_dialect: SqlDialectKind): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhooks')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid').onDelete('cascade'))
        /** Optional: only that trunk's events (no foreign key, so a deleted trunk's last event still goes out). */
        .addColumn('trunk_sid', 'text')
        .addColumn('url', 'text', (c) => c.notNull())
        /** Comma-separated event types, or `*`. */
        .addColumn('events', 'text', (c) => c.notNull())
        /** AES-256-GCM envelope (secrets/secret-box.ts) bound to the webhook sid. */
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhooks_account_idx').on('webhooks').column('account_sid').execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_sid', 'text', (c) => c.notNull().references('webhooks.sid').onDelete('cascade'))
        .addColumn('account_sid', 'text', (c) => c.notNull())
        /** The same event id on every subscription's copy and every retry: receivers de-duplicate by it. */
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        /** Milliseconds since the epoch. */
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
        .addColumn('lease_until_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due_idx')
        .on('webhook_deliveries')
        .columns(['state', 'next_attempt_ms'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_webhook_idx')
        .on('webhook_deliveries')
        .columns(['webhook_sid', 'created_ms'])
        .execute();
    },
  };
}
