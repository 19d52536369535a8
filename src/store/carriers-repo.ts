/**
 * Upstream carriers (operator configuration) and their URIs. The digest password is encrypted at
 * rest with the carrier sid as associated data, like trunk SIP passwords, and leaves the store in
 * clear only through `loadPlanCarriers` (the gateway answers the carrier's challenges with it).
 * Every write publishes one `carriers` event: the gateway reloads its carrier plan whole.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Carrier } from '../carriers/carrier-plan.js';
import type { CarrierRecord, CarrierUpdate, NewCarrier, NewCarrierUri } from './operator-types.js';
import type { CarrierUrisTable, CarriersTable, Database } from './schema.js';
import { newCarrierSid } from './secrets/random-ids.js';
import { nowIso, write, type StoreContext, type Trx } from './store-context.js';
import { StoreError, type Page, type PageRequest } from './types.js';

export const CARRIERS_EVENT = { kind: 'carriers' } as const;

const bit = (b: boolean): number => (b ? 1 : 0);
const intOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function stringArray(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Row + URI rows → the record; `password` only when the caller decrypted it (the plan). */
function toCarrier(
  r: Selectable<CarriersTable>,
  uris: Selectable<CarrierUrisTable>[],
  password: string | null,
): CarrierRecord & { password: string | null } {
  return {
    sid: r.sid,
    name: r.name,
    uris: uris.map((u) => ({ id: String(u.id), uri: u.uri, priority: u.priority, weight: u.weight })),
    credentials: r.username === null ? null : { username: r.username, authUsername: r.auth_username, realm: r.realm },
    registration:
      r.registrar_uri === null
        ? null
        : {
            registrarUri: r.registrar_uri,
            expires: Number(r.register_expires ?? 3600),
            contactUser: r.contact_user ?? '',
          },
    sourceCidrs: stringArray(r.source_cidrs),
    codecs: stringArray(r.codecs),
    maxCallsPerSecond: intOrNull(r.max_cps),
    maxConcurrentCalls: intOrNull(r.max_concurrent),
    probe: Number(r.probe) === 1,
    srtp: Number(r.srtp) === 1,
    dateCreated: r.created_at,
    dateUpdated: r.updated_at,
    password,
  };
}

function publicRecord(c: CarrierRecord & { password: string | null }): CarrierRecord {
  const { password: _secret, ...rest } = c;
  return rest;
}

const byPriority = (a: { priority: number; id: number | string }, b: { priority: number; id: number | string }) =>
  a.priority - b.priority || Number(a.id) - Number(b.id);

export class CarriersRepo {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: NewCarrier): Promise<CarrierRecord> {
    const sid = newCarrierSid();
    const now = nowIso();
    await write(
      this.ctx,
      async (trx) => {
        await trx
          .insertInto('carriers')
          .values({
            sid,
            name: input.name,
            ...this.#credentialColumns(sid, input.credentials),
            ...this.#registrationColumns(input.registration),
            source_cidrs: JSON.stringify(input.sourceCidrs),
            codecs: JSON.stringify(input.codecs),
            max_cps: input.maxCallsPerSecond,
            max_concurrent: input.maxConcurrentCalls,
            probe: bit(input.probe),
            srtp: bit(input.srtp),
            created_at: now,
            updated_at: now,
          })
          .execute();
        await this.#insertUris(trx, sid, input.uris);
      },
      () => [CARRIERS_EVENT],
      'name',
    );
    return (await this.get(sid)) as CarrierRecord;
  }

  async list(page: PageRequest): Promise<Page<CarrierRecord>> {
    const rows = await this.ctx.db
      .selectFrom('carriers')
      .selectAll()
      .orderBy('id')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    const total = await this.ctx.db
      .selectFrom('carriers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const uris = await this.#urisOf(
      this.ctx.db,
      rows.map((r) => r.sid),
    );
    return {
      items: rows.map((r) => publicRecord(toCarrier(r, uris.get(r.sid) ?? [], null))),
      total: Number(total.n),
    };
  }

  async get(sid: string): Promise<CarrierRecord | null> {
    const row = await this.ctx.db.selectFrom('carriers').selectAll().where('sid', '=', sid).executeTakeFirst();
    if (!row) return null;
    const uris = await this.#urisOf(this.ctx.db, [sid]);
    return publicRecord(toCarrier(row, uris.get(sid) ?? [], null));
  }

  async update(sid: string, u: CarrierUpdate): Promise<CarrierRecord> {
    await write(
      this.ctx,
      async (trx) => {
        const row = await trx
          .selectFrom('carriers')
          .select(['sid', 'password_enc'])
          .where('sid', '=', sid)
          .executeTakeFirst();
        if (!row) throw new StoreError('not_found', 'carrier not found', 'carrier_sid');
        let credentials = {};
        if (u.credentials === null) credentials = this.#credentialColumns(sid, null);
        else if (u.credentials !== undefined) {
          const { password, ...rest } = u.credentials;
          if (password === null && row.password_enc === null) {
            throw new StoreError('invalid', 'the carrier has no password yet; send one', 'credentials.password');
          }
          credentials = {
            ...this.#credentialColumns(sid, { ...rest, password: password ?? '' }),
            ...(password === null ? { password_enc: row.password_enc } : {}),
          };
        }
        await trx
          .updateTable('carriers')
          .set({
            ...(u.name !== undefined ? { name: u.name } : {}),
            ...credentials,
            ...(u.registration !== undefined ? this.#registrationColumns(u.registration) : {}),
            ...(u.sourceCidrs !== undefined ? { source_cidrs: JSON.stringify(u.sourceCidrs) } : {}),
            ...(u.codecs !== undefined ? { codecs: JSON.stringify(u.codecs) } : {}),
            ...(u.maxCallsPerSecond !== undefined ? { max_cps: u.maxCallsPerSecond } : {}),
            ...(u.maxConcurrentCalls !== undefined ? { max_concurrent: u.maxConcurrentCalls } : {}),
            ...(u.probe !== undefined ? { probe: bit(u.probe) } : {}),
            ...(u.srtp !== undefined ? { srtp: bit(u.srtp) } : {}),
            updated_at: nowIso(),
          })
          .where('sid', '=', sid)
          .execute();
        if (u.uris !== undefined) {
          await trx.deleteFrom('carrier_uris').where('carrier_sid', '=', sid).execute();
          await this.#insertUris(trx, sid, u.uris);
        }
      },
      () => [CARRIERS_EVENT],
      'name',
    );
    return (await this.get(sid)) as CarrierRecord;
  }

  async delete(sid: string): Promise<void> {
    await write(
      this.ctx,
      async (trx) => {
        const used = await trx
          .selectFrom('route_carriers')
          .innerJoin('carrier_routes', 'carrier_routes.sid', 'route_carriers.route_sid')
          .select(['carrier_routes.sid', 'carrier_routes.prefix'])
          .where('route_carriers.carrier_sid', '=', sid)
          .orderBy('carrier_routes.prefix')
          .limit(1)
          .executeTakeFirst();
        if (used) {
          throw new StoreError(
            'in_use',
            `the carrier is used by route ${used.sid} (prefix ${JSON.stringify(used.prefix)}); remove it from the ` +
              'routes that list it first',
            'carrier_sid',
          );
        }
        const r = await trx.deleteFrom('carriers').where('sid', '=', sid).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw new StoreError('not_found', 'carrier not found', 'carrier_sid');
      },
      () => [CARRIERS_EVENT],
    );
  }

  /** Every carrier with its password decrypted, for the carrier plan (inside the caller's snapshot). */
  async loadPlanCarriers(db: Kysely<Database>): Promise<Carrier[]> {
    const rows = await db.selectFrom('carriers').selectAll().orderBy('id').execute();
    const uris = await this.#urisOf(db, null);
    return rows.map((r) => {
      const password = r.password_enc === null ? null : this.ctx.box.decrypt(r.password_enc, r.sid);
      const {
        password: _p,
        credentials,
        dateCreated: _c,
        dateUpdated: _u,
        ...rest
      } = toCarrier(r, uris.get(r.sid) ?? [], password);
      return {
        ...rest,
        credentials: credentials === null ? null : { ...credentials, password: password ?? '' },
      };
    });
  }

  #credentialColumns(sid: string, c: NewCarrier['credentials']) {
    return {
      username: c?.username ?? null,
      password_enc: c === null ? null : this.ctx.box.encrypt(c.password, sid),
      auth_username: c?.authUsername ?? null,
      realm: c?.realm ?? null,
    };
  }

  #registrationColumns(r: NewCarrier['registration']) {
    return {
      registrar_uri: r?.registrarUri ?? null,
      register_expires: r?.expires ?? null,
      contact_user: r?.contactUser ?? null,
    };
  }

  async #insertUris(trx: Trx, sid: string, uris: NewCarrierUri[]): Promise<void> {
    if (uris.length === 0) return;
    await trx
      .insertInto('carrier_uris')
      .values(uris.map((u) => ({ carrier_sid: sid, uri: u.uri, priority: u.priority, weight: u.weight })))
      .execute();
  }

  /** The URIs of these carriers (null: of all carriers), grouped by carrier, priority order. */
  async #urisOf(db: Kysely<Database>, sids: string[] | null): Promise<Map<string, Selectable<CarrierUrisTable>[]>> {
    const out = new Map<string, Selectable<CarrierUrisTable>[]>();
    if (sids !== null && sids.length === 0) return out;
    let query = db.selectFrom('carrier_uris').selectAll();
    if (sids !== null) query = query.where('carrier_sid', 'in', sids);
    const rows = await query.execute();
    for (const row of rows.sort(byPriority)) {
      const list = out.get(row.carrier_sid) ?? [];
      list.push(row);
      out.set(row.carrier_sid, list);
    }
    return out;
  }
}
