/** Named per-trunk settings (e.g. `trunk_external_alias`); setting one again replaces its value. */
import { toSetting } from './row-mappers.js';
import { nowIso, requireTrunk, writeUnderTrunk } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { TrunkSetting } from './types.js';

export class SettingsRepo {
  constructor(private readonly ctx: StoreContext) {}

  async set(accountSid: string, trunkSid: string, name: string, value: string): Promise<TrunkSetting> {
    const now = nowIso();
    const row = await writeUnderTrunk(this.ctx, accountSid, trunkSid, (trx) =>
      trx
        .insertInto('trunk_settings')
        .values({ trunk_sid: trunkSid, name, value, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['trunk_sid', 'name']).doUpdateSet({ value, updated_at: now }))
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toSetting(row);
  }

  async list(accountSid: string, trunkSid: string): Promise<TrunkSetting[]> {
    await requireTrunk(this.ctx.db, accountSid, trunkSid);
    const rows = await this.ctx.db
      .selectFrom('trunk_settings')
      .selectAll()
      .where('trunk_sid', '=', trunkSid)
      .orderBy('name')
      .execute();
    return rows.map(toSetting);
  }

  async delete(accountSid: string, trunkSid: string, name: string): Promise<void> {
    await writeUnderTrunk(this.ctx, accountSid, trunkSid, async (trx) => {
      const r = await trx
        .deleteFrom('trunk_settings')
        .where('trunk_sid', '=', trunkSid)
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new StoreError('not_found', 'setting not found', 'name');
    });
  }
}
