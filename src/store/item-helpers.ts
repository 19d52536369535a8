/** Shared by the per-trunk item repositories (phone numbers, whitelisted IPs, destination URIs). */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { parseItemId, requireTrunk, trunkEvent, write } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';

export type ItemTable = 'phone_numbers' | 'whitelisted_ips' | 'destination_uris';

export async function countItems(db: Kysely<Database>, table: ItemTable, trunkSid: string): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .where('trunk_sid', '=', trunkSid)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Resolves the id or throws `not_found` naming the item. */
export function requireItemId(id: string, what: string): number {
  const n = parseItemId(id);
  if (n === null) throw new StoreError('not_found', `${what} not found`, 'id');
  return n;
}

export async function deleteItem(ctx: StoreContext, table: ItemTable, accountSid: string, trunkSid: string, id: string, what: string): Promise<void> {
  const n = requireItemId(id, what);
  await write(
    ctx,
    async (trx) => {
      await requireTrunk(trx, accountSid, trunkSid);
      const r = await trx.deleteFrom(table).where('id', '=', n).where('trunk_sid', '=', trunkSid).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new StoreError('not_found', `${what} not found`, 'id');
    },
    () => [trunkEvent(accountSid, trunkSid)],
  );
}
