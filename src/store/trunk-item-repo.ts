/**
 * The CRUD shared by the numbered items that live under a trunk (phone numbers, whitelisted IPs,
 * destination URIs): every read and write is scoped to a trunk of the caller's account, ids are
 * numeric strings, and every write publishes the trunk's change event so the gateway reloads it.
 * Each item's repository extends this with its own `add`/`update` signatures (column mapping).
 */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from './schema.js';
import { nowIso, parseItemId, requireTrunk, writeUnderTrunk } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { Page, PageRequest } from './types.js';

export type ItemTable = 'phone_numbers' | 'whitelisted_ips' | 'destination_uris';

/** The columns a caller supplies; the trunk, id and timestamps are filled in here. */
export type ItemColumns<T extends ItemTable> = Omit<
  Insertable<Database[T]>,
  'id' | 'trunk_sid' | 'created_at' | 'updated_at'
>;

export interface TrunkItemSpec<T extends ItemTable, R> {
  table: T;
  toRecord: (row: Selectable<Database[T]>) => R;
  /** Names the item in `not_found` messages ("phone number not found"). */
  what: string;
  /** The field a unique violation is reported on (`conflict`). */
  uniqueField: string;
}

export class TrunkItemRepo<T extends ItemTable, R> {
  constructor(
    protected readonly ctx: StoreContext,
    private readonly spec: TrunkItemSpec<T, R>,
  ) {}

  /** Kysely cannot follow a generic table name; every item table has id, trunk_sid and timestamps. */
  private get db(): Kysely<Database> {
    return this.ctx.db;
  }

  private get table(): ItemTable {
    return this.spec.table;
  }

  private record(row: unknown): R {
    return this.spec.toRecord(row as Selectable<Database[T]>);
  }

  protected async insert(accountSid: string, trunkSid: string, columns: ItemColumns<T>): Promise<R> {
    const now = nowIso();
    const values = { ...columns, trunk_sid: trunkSid, created_at: now, updated_at: now };
    const row = await writeUnderTrunk(
      this.ctx,
      accountSid,
      trunkSid,
      // If the trunk is deleted between the check and here, the FK fails: not_found, no orphan.
      (trx) =>
        trx
          .insertInto(this.table)
          .values(values as never)
          .returningAll()
          .executeTakeFirstOrThrow(),
      this.spec.uniqueField,
    );
    return this.record(row);
  }

  async list(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<R>> {
    const { db, table } = this;
    await requireTrunk(db, accountSid, trunkSid);
    const [rows, total] = await Promise.all([
      db
        .selectFrom(table)
        .selectAll()
        .where('trunk_sid', '=', trunkSid)
        .orderBy('id')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('trunk_sid', '=', trunkSid)
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((row) => this.record(row)), total: Number(total.n) };
  }

  async get(accountSid: string, trunkSid: string, id: string): Promise<R | null> {
    const n = parseItemId(id);
    if (n === null) return null;
    const table = this.table as 'phone_numbers';
    const row = await this.db
      .selectFrom(table)
      .innerJoin('trunks', 'trunks.sid', `${table}.trunk_sid`)
      .selectAll(table)
      .where(`${table}.id`, '=', n)
      .where(`${table}.trunk_sid`, '=', trunkSid)
      .where('trunks.account_sid', '=', accountSid)
      .executeTakeFirst();
    return row ? this.record(row) : null;
  }

  /** Sets the given columns; undefined ones are left as they are. */
  protected async patch(
    accountSid: string,
    trunkSid: string,
    id: string,
    columns: Partial<ItemColumns<T>>,
  ): Promise<R> {
    const n = this.requireId(id);
    const set: Record<string, unknown> = { updated_at: nowIso() };
    for (const [column, value] of Object.entries(columns)) if (value !== undefined) set[column] = value;
    const row = await writeUnderTrunk(
      this.ctx,
      accountSid,
      trunkSid,
      async (trx) => {
        const r = await trx
          .updateTable(this.table)
          .set(set as Updateable<Database[ItemTable]>)
          .where('id', '=', n)
          .where('trunk_sid', '=', trunkSid)
          .returningAll()
          .executeTakeFirst();
        if (!r) throw this.notFound();
        return r;
      },
      this.spec.uniqueField,
    );
    return this.record(row);
  }

  async delete(accountSid: string, trunkSid: string, id: string): Promise<void> {
    const n = this.requireId(id);
    await writeUnderTrunk(this.ctx, accountSid, trunkSid, async (trx) => {
      const r = await trx
        .deleteFrom(this.table)
        .where('id', '=', n)
        .where('trunk_sid', '=', trunkSid)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw this.notFound();
    });
  }

  /** A malformed id cannot exist: `not_found`, like a well-formed one that does not. */
  private requireId(id: string): number {
    const n = parseItemId(id);
    if (n === null) throw this.notFound();
    return n;
  }

  private notFound(): StoreError {
    return new StoreError('not_found', `${this.spec.what} not found`, 'id');
  }
}
