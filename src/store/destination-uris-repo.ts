/** Where a trunk's origination calls go (unique destination per trunk). */
import type { Updateable } from 'kysely';
import { countItems, deleteItem, requireItemId } from './item-helpers.js';
import { toDestinationUri } from './row-mappers.js';
import type { DestinationUrisTable } from './schema.js';
import { nowIso, parseItemId, requireTrunk, trunkEvent, write } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { DestinationTransport, DestinationUri, Page, PageRequest } from './types.js';

export interface DestinationFields {
  destination: string;
  host: string;
  port: number;
  transport: DestinationTransport;
  priority: number;
  weight: number;
}

export class DestinationUrisRepo {
  constructor(private readonly ctx: StoreContext) {}

  async add(accountSid: string, trunkSid: string, d: DestinationFields): Promise<DestinationUri> {
    const now = nowIso();
    const row = await write(
      this.ctx,
      async (trx) => {
        await requireTrunk(trx, accountSid, trunkSid);
        return trx
          .insertInto('destination_uris')
          .values({
            trunk_sid: trunkSid,
            destination: d.destination,
            host: d.host,
            port: d.port,
            transport: d.transport,
            priority: d.priority,
            weight: d.weight,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'destination',
    );
    return toDestinationUri(row);
  }

  async list(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<DestinationUri>> {
    const { db } = this.ctx;
    await requireTrunk(db, accountSid, trunkSid);
    const [rows, total] = await Promise.all([
      db.selectFrom('destination_uris').selectAll().where('trunk_sid', '=', trunkSid).orderBy('id').limit(page.limit).offset(page.offset).execute(),
      countItems(db, 'destination_uris', trunkSid),
    ]);
    return { items: rows.map(toDestinationUri), total };
  }

  async get(accountSid: string, trunkSid: string, id: string): Promise<DestinationUri | null> {
    const n = parseItemId(id);
    if (n === null) return null;
    const row = await this.ctx.db
      .selectFrom('destination_uris')
      .innerJoin('trunks', 'trunks.sid', 'destination_uris.trunk_sid')
      .selectAll('destination_uris')
      .where('destination_uris.id', '=', n)
      .where('destination_uris.trunk_sid', '=', trunkSid)
      .where('trunks.account_sid', '=', accountSid)
      .executeTakeFirst();
    return row ? toDestinationUri(row) : null;
  }

  async update(accountSid: string, trunkSid: string, id: string, u: Partial<DestinationFields>): Promise<DestinationUri> {
    const n = requireItemId(id, 'destination uri');
    const set: Updateable<DestinationUrisTable> = { updated_at: nowIso() };
    if (u.destination !== undefined) set.destination = u.destination;
    if (u.host !== undefined) set.host = u.host;
    if (u.port !== undefined) set.port = u.port;
    if (u.transport !== undefined) set.transport = u.transport;
    if (u.priority !== undefined) set.priority = u.priority;
    if (u.weight !== undefined) set.weight = u.weight;
    const row = await write(
      this.ctx,
      async (trx) => {
        await requireTrunk(trx, accountSid, trunkSid);
        const r = await trx.updateTable('destination_uris').set(set).where('id', '=', n).where('trunk_sid', '=', trunkSid).returningAll().executeTakeFirst();
        if (!r) throw new StoreError('not_found', 'destination uri not found', 'id');
        return r;
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'destination',
    );
    return toDestinationUri(row);
  }

  delete(accountSid: string, trunkSid: string, id: string): Promise<void> {
    return deleteItem(this.ctx, 'destination_uris', accountSid, trunkSid, id, 'destination uri');
  }
}
