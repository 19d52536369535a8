/**
 * Carrier routes: a dialled-number prefix ('' = default) → an ordered list of carriers. Every
 * carrier a route lists must exist (checked in the write's transaction, and the foreign key
 * keeps it so: a carrier in use cannot be deleted). Writes publish the `carriers` event.
 */
import type { Kysely, Selectable } from 'kysely';
import type { CarrierRoute, RouteCarrier } from '../carriers/carrier-plan.js';
import { CARRIERS_EVENT } from './carriers-repo.js';
import type { CarrierRouteRecord, NewCarrierRoute } from './operator-types.js';
import type { CarrierRoutesTable, Database, RouteCarriersTable } from './schema.js';
import { newCarrierRouteSid } from './secrets/random-ids.js';
import { nowIso, write, type StoreContext, type Trx } from './store-context.js';
import { StoreError, type Page, type PageRequest } from './types.js';

function toRoute(r: Selectable<CarrierRoutesTable>, carriers: Selectable<RouteCarriersTable>[]): CarrierRouteRecord {
  return {
    sid: r.sid,
    prefix: r.prefix,
    carriers: carriers.map((c) => ({ carrierSid: c.carrier_sid, priority: c.priority, weight: c.weight })),
    dateCreated: r.created_at,
    dateUpdated: r.updated_at,
  };
}

export class CarrierRoutesRepo {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: NewCarrierRoute): Promise<CarrierRouteRecord> {
    const sid = newCarrierRouteSid();
    const now = nowIso();
    await write(
      this.ctx,
      async (trx) => {
        await trx
          .insertInto('carrier_routes')
          .values({ sid, prefix: input.prefix, created_at: now, updated_at: now })
          .execute();
        await this.#insertCarriers(trx, sid, input.carriers);
      },
      () => [CARRIERS_EVENT],
      'prefix',
    );
    return (await this.get(sid)) as CarrierRouteRecord;
  }

  async list(page: PageRequest): Promise<Page<CarrierRouteRecord>> {
    const rows = await this.ctx.db
      .selectFrom('carrier_routes')
      .selectAll()
      .orderBy('id')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    const total = await this.ctx.db
      .selectFrom('carrier_routes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const carriers = await this.#carriersOf(
      this.ctx.db,
      rows.map((r) => r.sid),
    );
    return { items: rows.map((r) => toRoute(r, carriers.get(r.sid) ?? [])), total: Number(total.n) };
  }

  async get(sid: string): Promise<CarrierRouteRecord | null> {
    const row = await this.ctx.db.selectFrom('carrier_routes').selectAll().where('sid', '=', sid).executeTakeFirst();
    if (!row) return null;
    const carriers = await this.#carriersOf(this.ctx.db, [sid]);
    return toRoute(row, carriers.get(sid) ?? []);
  }

  async update(sid: string, u: Partial<NewCarrierRoute>): Promise<CarrierRouteRecord> {
    await write(
      this.ctx,
      async (trx) => {
        const r = await trx
          .updateTable('carrier_routes')
          .set({ ...(u.prefix !== undefined ? { prefix: u.prefix } : {}), updated_at: nowIso() })
          .where('sid', '=', sid)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) throw new StoreError('not_found', 'route not found', 'route_sid');
        if (u.carriers !== undefined) {
          await trx.deleteFrom('route_carriers').where('route_sid', '=', sid).execute();
          await this.#insertCarriers(trx, sid, u.carriers);
        }
      },
      () => [CARRIERS_EVENT],
      'prefix',
    );
    return (await this.get(sid)) as CarrierRouteRecord;
  }

  async delete(sid: string): Promise<void> {
    await write(
      this.ctx,
      async (trx) => {
        const r = await trx.deleteFrom('carrier_routes').where('sid', '=', sid).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw new StoreError('not_found', 'route not found', 'route_sid');
      },
      () => [CARRIERS_EVENT],
    );
  }

  /** Every route, for the carrier plan (inside the caller's snapshot). */
  async loadPlanRoutes(db: Kysely<Database>): Promise<CarrierRoute[]> {
    const rows = await db.selectFrom('carrier_routes').selectAll().orderBy('id').execute();
    const carriers = await this.#carriersOf(db, null);
    return rows.map((r) => {
      const { dateCreated: _c, dateUpdated: _u, ...route } = toRoute(r, carriers.get(r.sid) ?? []);
      return route;
    });
  }

  async #insertCarriers(trx: Trx, routeSid: string, carriers: RouteCarrier[]): Promise<void> {
    if (carriers.length === 0) return;
    const sids = carriers.map((c) => c.carrierSid);
    const found = new Set(
      (await trx.selectFrom('carriers').select('sid').where('sid', 'in', sids).execute()).map((r) => r.sid),
    );
    const missing = sids.findIndex((s) => !found.has(s));
    if (missing >= 0) {
      throw new StoreError(
        'invalid',
        `${JSON.stringify(sids[missing])} is not a carrier; create it first (POST /v2/operator/carriers)`,
        `carriers[${missing}].carrier_sid`,
      );
    }
    await trx
      .insertInto('route_carriers')
      .values(
        carriers.map((c, position) => ({
          route_sid: routeSid,
          carrier_sid: c.carrierSid,
          position,
          priority: c.priority,
          weight: c.weight,
        })),
      )
      .execute();
  }

  /** The carriers of these routes (null: of all routes), in priority then list order. */
  async #carriersOf(
    db: Kysely<Database>,
    sids: string[] | null,
  ): Promise<Map<string, Selectable<RouteCarriersTable>[]>> {
    const out = new Map<string, Selectable<RouteCarriersTable>[]>();
    if (sids !== null && sids.length === 0) return out;
    let query = db.selectFrom('route_carriers').selectAll();
    if (sids !== null) query = query.where('route_sid', 'in', sids);
    const rows = await query.execute();
    rows.sort((a, b) => a.priority - b.priority || a.position - b.position);
    for (const row of rows) {
      const list = out.get(row.route_sid) ?? [];
      list.push(row);
      out.set(row.route_sid, list);
    }
    return out;
  }
}
