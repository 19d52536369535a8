/** Source IP ranges allowed to send calls on a trunk (ip + mask, unique per trunk). */
import type { Updateable } from 'kysely';
import { countItems, deleteItem, requireItemId } from './item-helpers.js';
import { toWhitelistedIp } from './row-mappers.js';
import type { WhitelistedIpsTable } from './schema.js';
import { nowIso, parseItemId, requireTrunk, trunkEvent, write } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { Page, PageRequest, WhitelistedIp } from './types.js';

export class WhitelistedIpsRepo {
  constructor(private readonly ctx: StoreContext) {}

  async add(accountSid: string, trunkSid: string, ip: string, mask: number): Promise<WhitelistedIp> {
    const now = nowIso();
    const row = await write(
      this.ctx,
      async (trx) => {
        await requireTrunk(trx, accountSid, trunkSid);
        return trx
          .insertInto('whitelisted_ips')
          .values({ trunk_sid: trunkSid, ip, mask, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'ip',
    );
    return toWhitelistedIp(row);
  }

  async list(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<WhitelistedIp>> {
    const { db } = this.ctx;
    await requireTrunk(db, accountSid, trunkSid);
    const [rows, total] = await Promise.all([
      db.selectFrom('whitelisted_ips').selectAll().where('trunk_sid', '=', trunkSid).orderBy('id').limit(page.limit).offset(page.offset).execute(),
      countItems(db, 'whitelisted_ips', trunkSid),
    ]);
    return { items: rows.map(toWhitelistedIp), total };
  }

  async get(accountSid: string, trunkSid: string, id: string): Promise<WhitelistedIp | null> {
    const n = parseItemId(id);
    if (n === null) return null;
    const row = await this.ctx.db
      .selectFrom('whitelisted_ips')
      .innerJoin('trunks', 'trunks.sid', 'whitelisted_ips.trunk_sid')
      .selectAll('whitelisted_ips')
      .where('whitelisted_ips.id', '=', n)
      .where('whitelisted_ips.trunk_sid', '=', trunkSid)
      .where('trunks.account_sid', '=', accountSid)
      .executeTakeFirst();
    return row ? toWhitelistedIp(row) : null;
  }

  async update(accountSid: string, trunkSid: string, id: string, u: { ip?: string; mask?: number }): Promise<WhitelistedIp> {
    const n = requireItemId(id, 'whitelisted ip');
    const set: Updateable<WhitelistedIpsTable> = { updated_at: nowIso() };
    if (u.ip !== undefined) set.ip = u.ip;
    if (u.mask !== undefined) set.mask = u.mask;
    const row = await write(
      this.ctx,
      async (trx) => {
        await requireTrunk(trx, accountSid, trunkSid);
        const r = await trx.updateTable('whitelisted_ips').set(set).where('id', '=', n).where('trunk_sid', '=', trunkSid).returningAll().executeTakeFirst();
        if (!r) throw new StoreError('not_found', 'whitelisted ip not found', 'id');
        return r;
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'ip',
    );
    return toWhitelistedIp(row);
  }

  delete(accountSid: string, trunkSid: string, id: string): Promise<void> {
    return deleteItem(this.ctx, 'whitelisted_ips', accountSid, trunkSid, id, 'whitelisted ip');
  }
}
