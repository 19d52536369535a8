/**
 * What the Kysely-based repositories share: the database handle, the secret box, and the few
 * hooks where SQLite and PostgreSQL differ (error codes, change notification).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { SecretBox } from './secrets/secret-box.js';
import { StoreError } from './types.js';
import type { ChangeEvent } from './types.js';
import { CONFIG_EVENT_HOLD_MS, configEventScope, type ConfigEventScope } from './config-event-scope.js';
import { enqueueEventRows } from './webhooks-repo.js';

export type DbErrorKind = 'unique' | 'foreign_key' | null;

export interface DialectHooks {
  readonly kind: 'sqlite' | 'postgres';
  /** SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`/`_FOREIGNKEY`; PostgreSQL SQLSTATE 23505/23503. */
  classifyError(err: unknown): DbErrorKind;
  /**
   * Last step inside a write transaction (PostgreSQL: `pg_notify`, delivered only on commit; SQLite: change_log rows).
   */
  publishInTransaction(trx: Transaction<Database>, events: ChangeEvent[]): Promise<void>;
  /**
   * After commit (SQLite: in-process emit; other processes read the change_log rows written by publishInTransaction).
   */
  afterCommit(events: ChangeEvent[]): void;
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  subscribeResync(listener: () => void): () => void;
  /** Runs several reads against one consistent snapshot without blocking writers where possible. */
  readSnapshot<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly hooks: DialectHooks;
  readonly box: SecretBox;
}

export type Trx = Transaction<Database>;

export function translateDbError(ctx: StoreContext, err: unknown, uniqueField: string | undefined): unknown {
  if (err instanceof StoreError) return err;
  const kind = ctx.hooks.classifyError(err);
  if (kind === 'unique') return new StoreError('conflict', `${uniqueField ?? 'resource'} already exists`, uniqueField);
  // The parent vanished between our check and the insert (a racing delete): nothing was written.
  if (kind === 'foreign_key') return new StoreError('not_found', 'trunk not found', 'trunk_sid');
  return err;
}

/**
 * Runs `fn` in a transaction, publishes the change events it yields, and maps constraint
 * violations to `StoreError`s. A unique violation means `uniqueField` already exists.
 */
export async function write<T>(
  ctx: StoreContext,
  fn: (trx: Trx) => Promise<T>,
  events: (result: T) => ChangeEvent[],
  uniqueField?: string,
): Promise<T> {
  let result: T;
  let published: ChangeEvent[];
  // An API write's config event goes into the outbox with the change, or not at all (config-event-scope.ts).
  const scope = configEventScope.getStore();
  const pending = scope !== undefined && !scope.written ? scope : null;
  try {
    [result, published] = await ctx.db.transaction().execute(async (trx) => {
      const r = await fn(trx);
      const ev = events(r);
      if (pending !== null) await writeConfigEvent(trx, pending, ev);
      if (ev.length > 0) await ctx.hooks.publishInTransaction(trx, ev);
      return [r, ev] as const;
    });
  } catch (err) {
    throw translateDbError(ctx, err, uniqueField);
  }
  if (pending !== null) pending.written = true;
  if (published.length > 0) ctx.hooks.afterCommit(published);
  return result;
}

async function writeConfigEvent(trx: Trx, scope: ConfigEventScope, changes: ChangeEvent[]): Promise<void> {
  const e = scope.event;
  // A trunk being created has its sid only now: its change event names it.
  const trunkSid = e.trunkSid ?? changes.find((c) => c.kind === 'trunk')?.trunkSid ?? null;
  scope.event = { ...e, trunkSid, data: { ...e.data, trunk_sid: trunkSid } };
  const now = Date.now();
  await enqueueEventRows(trx, [scope.event], now, now + CONFIG_EVENT_HOLD_MS);
}

/**
 * `write` for a change to something that lives under a trunk: the trunk must belong to the
 * account (checked inside the transaction), and that trunk's change event is published.
 */
export function writeUnderTrunk<T>(
  ctx: StoreContext,
  accountSid: string,
  trunkSid: string,
  fn: (trx: Trx) => Promise<T>,
  uniqueField?: string,
): Promise<T> {
  return write(
    ctx,
    async (trx) => {
      await requireTrunk(trx, accountSid, trunkSid);
      return fn(trx);
    },
    () => [trunkEvent(accountSid, trunkSid)],
    uniqueField,
  );
}

/** Throws `not_found` unless the trunk exists and belongs to the account. */
export async function requireTrunk(trx: Kysely<Database>, accountSid: string, trunkSid: string): Promise<void> {
  const row = await trx
    .selectFrom('trunks')
    .select('sid')
    .where('sid', '=', trunkSid)
    .where('account_sid', '=', accountSid)
    .executeTakeFirst();
  if (!row) throw new StoreError('not_found', 'trunk not found', 'trunk_sid');
}

/** Item ids are numeric strings; anything else cannot exist. */
export function parseItemId(id: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const trunkEvent = (accountSid: string, trunkSid: string): ChangeEvent => ({
  kind: 'trunk',
  accountSid,
  trunkSid,
});
