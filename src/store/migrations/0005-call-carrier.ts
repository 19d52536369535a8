/**
 * The call log records, for termination through carriers, which carrier carried the call and every
 * attempt (carrier, URI, final code or how it failed) as a JSON list.
 */
import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function callCarrierMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('calls').addColumn('carrier', 'text').execute();
      await db.schema.alterTable('calls').addColumn('carrier_attempts', 'text').execute();
    },
  };
}
