/**
 * The operator's side of the store: account suspension, operator tokens, upstream carriers with
 * their URIs, and the routes from dialled-number prefixes to carriers. One schema for both
 * dialects; only the auto-increment id differs (as in 0001).
 */
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';

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

export function operatorMigration(dialect: SqlDialectKind): Migration {
  return {
    async up(db: Db) {
      // 'active' | 'suspended': a suspended account's API calls and trunk calls are refused.
      await db.schema
        .alterTable('accounts')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();

      await withId(db.schema.createTable('operator_tokens'), dialect)
        // SHA-256 of the token, hex: looked up by hash, the token itself is never stored.
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('carriers'), dialect)
        .addColumn('sid', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('username', 'text')
        // AES-256-GCM envelope bound to the carrier sid, like trunk SIP passwords.
        .addColumn('password_enc', 'text')
        .addColumn('auth_username', 'text')
        .addColumn('realm', 'text')
        .addColumn('registrar_uri', 'text')
        .addColumn('register_expires', 'integer')
        .addColumn('contact_user', 'text')
        // JSON arrays of strings: read whole with the carrier, never queried by element.
        .addColumn('source_cidrs', 'text', (c) => c.notNull())
        .addColumn('codecs', 'text', (c) => c.notNull())
        .addColumn('max_cps', 'integer')
        .addColumn('max_concurrent', 'integer')
        .addColumn('probe', 'integer', (c) => c.notNull())
        .addColumn('srtp', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('carrier_uris'), dialect)
        .addColumn('carrier_sid', 'text', (c) => c.notNull().references('carriers.sid').onDelete('cascade'))
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addUniqueConstraint('carrier_uris_uq', ['carrier_sid', 'uri'])
        .execute();

      await withId(db.schema.createTable('carrier_routes'), dialect)
        .addColumn('sid', 'text', (c) => c.notNull().unique())
        // Digits only, '' = the default route; one route per prefix.
        .addColumn('prefix', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('route_carriers')
        .addColumn('route_sid', 'text', (c) => c.notNull().references('carrier_routes.sid').onDelete('cascade'))
        // No cascade: a carrier a route uses cannot be deleted (the repo says which route).
        .addColumn('carrier_sid', 'text', (c) => c.notNull().references('carriers.sid'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('route_carriers_pk', ['route_sid', 'carrier_sid'])
        .execute();
      await db.schema.createIndex('route_carriers_carrier_idx').on('route_carriers').column('carrier_sid').execute();
    },
    async down(db: Db) {
      for (const t of ['route_carriers', 'carrier_routes', 'carrier_uris', 'carriers', 'operator_tokens']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
      await db.schema.alterTable('accounts').dropColumn('status').execute();
    },
  };
}
