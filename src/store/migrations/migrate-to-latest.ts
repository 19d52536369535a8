/**
 * Runs the migration set with a static provider (no filesystem glob: the compiled layout and
 * bundlers cannot break it). Kysely's Migrator takes a lock table, so several processes starting
 * against one PostgreSQL at once migrate exactly once.
 */
import { Migrator } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { SqlDialectKind } from './dialect-kind.js';
import { initialMigration } from './0001-initial.js';
import { changeLogMigration } from './0002-change-log.js';
import { mediaMigration } from './0003-media.js';
import { operatorMigration } from './0004-operator.js';
import { callCarrierMigration } from './0005-call-carrier.js';
import { bindingsMigration } from './0006-bindings.js';
import { cdrMigration } from './0007-cdr.js';
import { idempotencyMigration } from './0010-idempotency.js';
import { webhooksMigration } from './0011-webhooks.js';
import { flowCdrNumberMigration } from './0012-flow-cdr-number.js';

export function migrations(dialect: SqlDialectKind): Record<string, Migration> {
  // Names sort lexically: Kysely applies them in that order.
  return {
    '0001-initial': initialMigration(dialect),
    '0002-change-log': changeLogMigration(dialect),
    '0003-media': mediaMigration(),
    '0004-operator': operatorMigration(dialect),
    '0005-call-carrier': callCarrierMigration(),
    '0006-bindings': bindingsMigration(),
    '0007-cdr': cdrMigration(dialect),
    '0010-idempotency': idempotencyMigration(dialect),
    '0011-webhooks': webhooksMigration(dialect),
    '0012-flow-cdr-number': flowCdrNumberMigration(),
  };
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialectKind): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: 'vsip_migration',
    migrationLockTableName: 'vsip_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `store migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** The name of the newest migration this build knows (a configuration backup records it). */
export function latestMigration(): string {
  return Object.keys(migrations('sqlite')).sort().at(-1) ?? '';
}
