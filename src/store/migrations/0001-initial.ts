/**
 * The initial schema, written once for both dialects. The only dialect-specific part is the
 * auto-increment id: SQLite wants `integer primary key autoincrement` (autoincrement so that ids
 * of deleted rows are never reused — the API exposes them), PostgreSQL `bigserial`.
 * Booleans are 0/1 integers on both, timestamps ISO-8601 text (sorts correctly as text).
 */
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';

// Kysely recommends `Kysely<any>` in migrations: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

function withId<T extends string>(
  t: CreateTableBuilder<T, never>,
  dialect: SqlDialectKind,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

const trunkFk = (c: any) => c.notNull().references('trunks.sid').onDelete('cascade');

export function initialMigration(dialect: SqlDialectKind): Migration {
  return {
    async up(db: Db) {
      await db.schema
        .createTable('accounts')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('api_key', 'text', (c) => c.notNull().unique())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('trunks'), dialect)
        .addColumn('sid', 'text', (c) => c.notNull().unique())
        .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('nso_code', 'text', (c) => c.notNull())
        .addColumn('domain_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('auth_type', 'text', (c) => c.notNull())
        .addColumn('registration_enabled', 'integer', (c) => c.notNull())
        .addColumn('edge_preference', 'text')
        .addColumn('secure_trunking', 'integer', (c) => c.notNull())
        .addColumn('max_cps', 'integer')
        .addColumn('max_concurrent', 'integer')
        .addColumn('sip_password_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('trunks_account_name_uq', ['account_sid', 'name'])
        .execute();
      await db.schema.createIndex('trunks_account_id_idx').on('trunks').columns(['account_sid', 'id']).execute();

      await withId(db.schema.createTable('phone_numbers'), dialect)
        .addColumn('trunk_sid', 'text', trunkFk)
        // Globally unique: a number mapped to any trunk is a conflict (the gateway routes by it).
        .addColumn('phone_number', 'text', (c) => c.notNull().unique())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('phone_numbers_trunk_id_idx')
        .on('phone_numbers')
        .columns(['trunk_sid', 'id'])
        .execute();

      await withId(db.schema.createTable('whitelisted_ips'), dialect)
        .addColumn('trunk_sid', 'text', trunkFk)
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('mask', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('whitelisted_ips_uq', ['trunk_sid', 'ip', 'mask'])
        .execute();

      await withId(db.schema.createTable('destination_uris'), dialect)
        .addColumn('trunk_sid', 'text', trunkFk)
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('destination_uris_uq', ['trunk_sid', 'destination'])
        .execute();

      await db.schema
        .createTable('trunk_settings')
        .addColumn('trunk_sid', 'text', trunkFk)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('trunk_settings_pk', ['trunk_sid', 'name'])
        .execute();

      await db.schema
        .createTable('registrations')
        .addColumn('trunk_sid', 'text', trunkFk)
        .addColumn('contact', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('source_port', 'integer', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registrations_pk', ['trunk_sid', 'contact'])
        .execute();

      // No foreign keys: the call log outlives trunks and accounts.
      await withId(db.schema.createTable('calls'), dialect)
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('account_sid', 'text')
        .addColumn('trunk_sid', 'text')
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('caller', 'text')
        .addColumn('callee', 'text')
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('source_port', 'integer', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('final_code', 'integer')
        .addColumn('cause', 'text')
        .addColumn('destination', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('duration_ms', 'integer')
        .execute();
      await db.schema.createIndex('calls_trunk_id_idx').on('calls').columns(['trunk_sid', 'id']).execute();
      await db.schema.createIndex('calls_call_id_idx').on('calls').column('call_id').execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Db) {
      for (const t of [
        'meta',
        'calls',
        'registrations',
        'trunk_settings',
        'destination_uris',
        'whitelisted_ips',
        'phone_numbers',
        'trunks',
        'accounts',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
