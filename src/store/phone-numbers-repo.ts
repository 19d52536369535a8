/** Phone numbers mapped to a trunk. A number is unique across all trunks (the gateway routes by it). */
import type { Updateable } from 'kysely';
import { countItems, deleteItem, requireItemId } from './item-helpers.js';
import { toPhoneNumber } from './row-mappers.js';
import type { PhoneNumbersTable } from './schema.js';
import { nowIso, parseItemId, requireTrunk, trunkEvent, write } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { NumberMode, Page, PageRequest, PhoneNumber } from './types.js';

export class PhoneNumbersRepo {
  constructor(private readonly ctx: StoreContext) {}

  async add(accountSid: string, trunkSid: string, phoneNumber: string, mode: NumberMode): Promise<PhoneNumber> {
    const now = nowIso();
    const row = await write(
      this.ctx,
      async (trx) => {
        await requireTrunk(trx, accountSid, trunkSid);
        // If the trunk is deleted between the check and here, the FK fails: not_found, no orphan.
        return trx
          .insertInto('phone_numbers')
          .values({ trunk_sid: trunkSid, phone_number: phoneNumber, mode, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'phone_number',
    );
    return toPhoneNumber(row);
  }

  async list(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<PhoneNumber>> {
    const { db } = this.ctx;
    await requireTrunk(db, accountSid, trunkSid);
    const [rows, total] = await Promise.all([
      db.selectFrom('phone_numbers').selectAll().where('trunk_sid', '=', trunkSid).orderBy('id').limit(page.limit).offset(page.offset).execute(),
      countItems(db, 'phone_numbers', trunkSid),
    ]);
    return { items: rows.map(toPhoneNumber), total };
  }

  async get(accountSid: string, trunkSid: string, id: string): Promise<PhoneNumber | null> {
    const n = parseItemId(id);
    if (n === null) return null;
    const row = await this.ctx.db
      .selectFrom('phone_numbers')
      .innerJoin('trunks', 'trunks.sid', 'phone_numbers.trunk_sid')
      .selectAll('phone_numbers')
      .where('phone_numbers.id', '=', n)
      .where('phone_numbers.trunk_sid', '=', trunkSid)
      .where('trunks.account_sid', '=', accountSid)
      .executeTakeFirst();
    return row ? toPhoneNumber(row) : null;
  }

  async update(accountSid: string, trunkSid: string, id: string, u: { phoneNumber?: string; mode?: NumberMode }): Promise<PhoneNumber> {
    const n = requireItemId(id, 'phone number');
    const set: Updateable<PhoneNumbersTable> = { updated_at: nowIso() };
    if (u.phoneNumber !== undefined) set.phone_number = u.phoneNumber;
    if (u.mode !== undefined) set.mode = u.mode;
    const row = await write(
      this.ctx,
      async (trx) => {
        await requireTrunk(trx, accountSid, trunkSid);
        const r = await trx.updateTable('phone_numbers').set(set).where('id', '=', n).where('trunk_sid', '=', trunkSid).returningAll().executeTakeFirst();
        if (!r) throw new StoreError('not_found', 'phone number not found', 'id');
        return r;
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'phone_number',
    );
    return toPhoneNumber(row);
  }

  delete(accountSid: string, trunkSid: string, id: string): Promise<void> {
    return deleteItem(this.ctx, 'phone_numbers', accountSid, trunkSid, id, 'phone number');
  }
}
