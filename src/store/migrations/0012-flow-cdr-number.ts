/**
 * Flow mode and the CDR number filter.
 *
 * `calls.flow_note` says what the call-routing webhook of a `mode: flow` number did for the call
 * (its answer, or why vsip fell back): null for every other call.
 *
 * The CDR number filter matches a number as caller or as callee (`caller IN (…) OR callee IN (…)`),
 * so each side has its own index leading with the account: both stores answer the OR as a union of
 * two index range scans (SQLite's OR optimisation, PostgreSQL's BitmapOr) instead of reading every
 * record of the account.
 */
import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function flowCdrNumberMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('calls').addColumn('flow_note', 'text').execute();
      await db.schema
        .createIndex('calls_account_caller_idx')
        .on('calls')
        .columns(['account_sid', 'caller', 'started_at'])
        .execute();
      await db.schema
        .createIndex('calls_account_callee_idx')
        .on('calls')
        .columns(['account_sid', 'callee', 'started_at'])
        .execute();
    },
  };
}
