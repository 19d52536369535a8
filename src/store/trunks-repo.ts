/** Trunks and their SIP credentials. Every method is scoped by account. */
import type { Updateable } from 'kysely';
import { toTrunk } from './row-mappers.js';
import type { TrunksTable } from './schema.js';
import { newTrunkSid } from './secrets/random-ids.js';
import { generateSipPassword } from './secrets/sip-password.js';
import { nowIso, trunkEvent, write } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { NewTrunk, Page, PageRequest, Trunk, TrunkUpdate } from './types.js';

/** Every trunk column except the encrypted password and the internal id. */
export const TRUNK_COLUMNS = [
  'sid',
  'account_sid',
  'name',
  'nso_code',
  'domain_name',
  'status',
  'auth_type',
  'registration_enabled',
  'edge_preference',
  'secure_trunking',
  'max_cps',
  'max_concurrent',
  'created_at',
  'updated_at',
] as const;

const bit = (b: boolean | undefined): number => (b ? 1 : 0);

export class TrunksRepo {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: NewTrunk): Promise<Trunk> {
    const sid = newTrunkSid();
    const now = nowIso();
    const row = await write(
      this.ctx,
      async (trx) => {
        const account = await trx
          .selectFrom('accounts')
          .select('sid')
          .where('sid', '=', input.accountSid)
          .executeTakeFirst();
        if (!account) throw new StoreError('not_found', 'account not found', 'account_sid');
        return trx
          .insertInto('trunks')
          .values({
            sid,
            account_sid: input.accountSid,
            name: input.name,
            nso_code: input.nsoCode,
            domain_name: input.domainName,
            status: 'active',
            auth_type: input.authType ?? 'ip_whitelist',
            registration_enabled: bit(input.registrationEnabled),
            edge_preference: input.edgePreference ?? null,
            secure_trunking: bit(input.secureTrunking),
            max_cps: input.maxCallsPerSecond ?? null,
            max_concurrent: input.maxConcurrentCalls ?? null,
            sip_password_enc: this.ctx.box.encrypt(generateSipPassword(), sid),
            created_at: now,
            updated_at: now,
          })
          .returning(TRUNK_COLUMNS)
          .executeTakeFirstOrThrow();
      },
      () => [trunkEvent(input.accountSid, sid)],
      'trunk_name',
    );
    return toTrunk(row);
  }

  async get(accountSid: string, trunkSid: string): Promise<Trunk | null> {
    const row = await this.ctx.db
      .selectFrom('trunks')
      .select(TRUNK_COLUMNS)
      .where('sid', '=', trunkSid)
      .where('account_sid', '=', accountSid)
      .executeTakeFirst();
    return row ? toTrunk(row) : null;
  }

  async list(accountSid: string, page: PageRequest): Promise<Page<Trunk>> {
    const { db } = this.ctx;
    const [rows, count] = await Promise.all([
      db
        .selectFrom('trunks')
        .select(TRUNK_COLUMNS)
        .where('account_sid', '=', accountSid)
        .orderBy('id')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      db
        .selectFrom('trunks')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('account_sid', '=', accountSid)
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toTrunk), total: Number(count.n) };
  }

  async update(accountSid: string, trunkSid: string, u: TrunkUpdate): Promise<Trunk> {
    const set: Updateable<TrunksTable> = { updated_at: nowIso() };
    if (u.name !== undefined) set.name = u.name;
    if (u.nsoCode !== undefined) set.nso_code = u.nsoCode;
    if (u.domainName !== undefined) set.domain_name = u.domainName;
    if (u.status !== undefined) set.status = u.status;
    if (u.authType !== undefined) set.auth_type = u.authType;
    if (u.registrationEnabled !== undefined) set.registration_enabled = bit(u.registrationEnabled);
    if (u.edgePreference !== undefined) set.edge_preference = u.edgePreference;
    if (u.secureTrunking !== undefined) set.secure_trunking = bit(u.secureTrunking);
    if (u.maxCallsPerSecond !== undefined) set.max_cps = u.maxCallsPerSecond;
    if (u.maxConcurrentCalls !== undefined) set.max_concurrent = u.maxConcurrentCalls;
    const row = await write(
      this.ctx,
      async (trx) => {
        const r = await trx
          .updateTable('trunks')
          .set(set)
          .where('sid', '=', trunkSid)
          .where('account_sid', '=', accountSid)
          .returning(TRUNK_COLUMNS)
          .executeTakeFirst();
        if (!r) throw new StoreError('not_found', 'trunk not found', 'trunk_sid');
        return r;
      },
      () => [trunkEvent(accountSid, trunkSid)],
      'trunk_name',
    );
    return toTrunk(row);
  }

  /** Children go by `ON DELETE CASCADE`, in the same statement and so the same transaction. */
  async delete(accountSid: string, trunkSid: string): Promise<void> {
    await write(
      this.ctx,
      async (trx) => {
        const r = await trx
          .deleteFrom('trunks')
          .where('sid', '=', trunkSid)
          .where('account_sid', '=', accountSid)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw new StoreError('not_found', 'trunk not found', 'trunk_sid');
      },
      () => [trunkEvent(accountSid, trunkSid)],
    );
  }

  async getSipPassword(accountSid: string, trunkSid: string): Promise<string> {
    const row = await this.ctx.db
      .selectFrom('trunks')
      .select('sip_password_enc')
      .where('sid', '=', trunkSid)
      .where('account_sid', '=', accountSid)
      .executeTakeFirst();
    if (!row) throw new StoreError('not_found', 'trunk not found', 'trunk_sid');
    return this.ctx.box.decrypt(row.sip_password_enc, trunkSid);
  }

  async rotateSipPassword(accountSid: string, trunkSid: string): Promise<string> {
    const password = generateSipPassword();
    await write(
      this.ctx,
      async (trx) => {
        const r = await trx
          .updateTable('trunks')
          .set({ sip_password_enc: this.ctx.box.encrypt(password, trunkSid), updated_at: nowIso() })
          .where('sid', '=', trunkSid)
          .where('account_sid', '=', accountSid)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) throw new StoreError('not_found', 'trunk not found', 'trunk_sid');
      },
      () => [trunkEvent(accountSid, trunkSid)],
    );
    return password;
  }
}
