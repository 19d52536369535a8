/**
 * Maps many numbers to one trunk in one transaction (one change event, one gateway reload), answered
 * per item. Numbers already mapped anywhere, or twice in the request, fail alone — unless
 * `allOrNothing`, where any failure leaves the store untouched.
 */
import { toPhoneNumber } from './row-mappers.js';
import { nowIso, writeUnderTrunk } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { NumberMode, PhoneNumber } from './types.js';

export type BulkItemResult<T> = { ok: T } | { error: StoreError };

/** 6 columns × 500 rows, well under both databases' bound-parameter limits. */
const CHUNK = 500;

export async function addPhoneNumbers(
  ctx: StoreContext,
  accountSid: string,
  trunkSid: string,
  items: Array<{ phoneNumber: string; mode: NumberMode }>,
  allOrNothing: boolean,
): Promise<Array<BulkItemResult<PhoneNumber>>> {
  return writeUnderTrunk(
    ctx,
    accountSid,
    trunkSid,
    async (trx) => {
      const mapped = new Set<string>();
      const all = items.map((i) => i.phoneNumber);
      for (let i = 0; i < all.length; i += CHUNK) {
        const rows = await trx
          .selectFrom('phone_numbers')
          .select('phone_number')
          .where('phone_number', 'in', all.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) mapped.add(r.phone_number);
      }
      const seen = new Set<string>();
      const results: Array<BulkItemResult<PhoneNumber> | null> = items.map((item) => {
        if (mapped.has(item.phoneNumber)) {
          return { error: new StoreError('conflict', 'phone_number already exists', 'phone_number') };
        }
        if (seen.has(item.phoneNumber)) {
          return { error: new StoreError('invalid', 'appears twice in this request', 'phone_number') };
        }
        seen.add(item.phoneNumber);
        return null;
      });
      if (allOrNothing && results.some((r) => r !== null)) {
        const skipped = new StoreError('invalid', 'not mapped: another item failed and all_or_nothing is set', 'item');
        return results.map((r) => r ?? { error: skipped });
      }
      const now = nowIso();
      const todo = items.filter((_, i) => results[i] === null);
      const created = new Map<string, PhoneNumber>();
      for (let i = 0; i < todo.length; i += CHUNK) {
        const rows = await trx
          .insertInto('phone_numbers')
          .values(
            todo.slice(i, i + CHUNK).map((n) => ({
              trunk_sid: trunkSid,
              phone_number: n.phoneNumber,
              mode: n.mode,
              created_at: now,
              updated_at: now,
            })),
          )
          .returningAll()
          .execute();
        for (const r of rows) created.set(r.phone_number, toPhoneNumber(r));
      }
      return results.map((r, i) => r ?? { ok: created.get(items[i]?.phoneNumber ?? '') as PhoneNumber });
    },
    // A number mapped by a racing request between our check and insert: the whole batch is a conflict.
    'phone_number',
  );
}
