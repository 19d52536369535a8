/**
 * Call records as CDRs: an account's (or a trunk's) records newest first with filters and keyset
 * paging, bounded-memory streaming for exports, and retention by age per account.
 *
 * The order is (`started_at` desc, `id` desc): `id` breaks ties between calls of the same second, so
 * the order is total and a cursor (the last row's pair) resumes exactly where a page ended, even
 * while new records arrive — unlike an offset, which shifts under inserts.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { cdrFilter } from './cdr-filter.js';
import { toCall } from './row-mappers.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';
import { nowIso } from './store-context.js';
import { DEFAULT_CDR_RETENTION_DAYS, StoreError } from './types.js';
import type { AccountSettings, CallRecord, CdrPage, CdrQuery } from './types.js';

const RETENTION = 'cdr_retention_days';
const DAY_MS = 86_400_000;

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class CdrRepo {
  constructor(private readonly ctx: StoreContext) {}

  async query(accountSid: string, q: CdrQuery): Promise<CdrPage> {
    const rows = await this.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where((eb) => {
        const c = cdrFilter(eb, accountSid, q);
        if (q.after !== undefined) {
          const { startedAt, id } = q.after;
          // The first conjunct bounds the index range; the second resumes inside that second.
          c.push(eb('started_at', '<=', startedAt));
          c.push(eb.or([eb('started_at', '<', startedAt), eb('id', '<', Number(id))]));
        }
        return eb.and(c);
      })
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toCall);
    const last = items.at(-1);
    const next = rows.length > q.limit && last !== undefined ? { startedAt: last.startedAt, id: last.id } : null;
    return { items, next };
  }

  /** One query per `q.limit` records, each resuming from the last: memory is one batch, whatever the total. */
  async *stream(accountSid: string, q: CdrQuery): AsyncGenerator<CallRecord> {
    let after = q.after;
    for (;;) {
      const page = await this.query(accountSid, after === undefined ? { ...q } : { ...q, after });
      yield* page.items;
      if (page.next === null) return;
      after = page.next;
    }
  }

  async pruneByAge(now: Date, batch = 5000): Promise<number> {
    const { db } = this.ctx;
    const custom = await db
      .selectFrom('account_settings')
      .select(['account_sid', 'value'])
      .where('name', '=', RETENTION)
      .execute();
    let removed = 0;
    for (const { account_sid, value } of custom) {
      const cutoff = isoSeconds(now.getTime() - Number(value) * DAY_MS);
      removed += await this.#deleteInBatches(batch, (eb) =>
        eb.and([eb('account_sid', '=', account_sid), eb('started_at', '<', cutoff)]),
      );
    }
    const cutoff = isoSeconds(now.getTime() - DEFAULT_CDR_RETENTION_DAYS * DAY_MS);
    removed += await this.#deleteInBatches(batch, (eb) =>
      eb.and([
        eb('started_at', '<', cutoff),
        eb.or([
          eb('account_sid', 'is', null),
          eb(
            'account_sid',
            'not in',
            eb.selectFrom('account_settings').select('account_sid').where('name', '=', RETENTION),
          ),
        ]),
      ]),
    );
    return removed;
  }

  async #deleteInBatches(
    batch: number,
    where: (eb: ExpressionBuilder<Database, 'calls'>) => Expression<SqlBool>,
  ): Promise<number> {
    let removed = 0;
    for (;;) {
      const r = await this.ctx.db
        .deleteFrom('calls')
        .where('id', 'in', (eb) => eb.selectFrom('calls').select('id').where(where).limit(batch))
        .executeTakeFirst();
      const n = Number(r.numDeletedRows);
      removed += n;
      if (n < batch) return removed;
    }
  }

  async getSettings(accountSid: string): Promise<AccountSettings> {
    const rows = await this.ctx.db
      .selectFrom('account_settings')
      .select(['name', 'value'])
      .where('account_sid', '=', accountSid)
      .execute();
    const retention = rows.find((r) => r.name === RETENTION);
    return { cdrRetentionDays: retention === undefined ? DEFAULT_CDR_RETENTION_DAYS : Number(retention.value) };
  }

  async updateSettings(accountSid: string, update: Partial<AccountSettings>): Promise<AccountSettings> {
    const account = await this.ctx.db
      .selectFrom('accounts')
      .select('sid')
      .where('sid', '=', accountSid)
      .executeTakeFirst();
    if (account === undefined) throw new StoreError('not_found', 'account not found', 'account_sid');
    if (update.cdrRetentionDays !== undefined) {
      const value = String(update.cdrRetentionDays);
      const now = nowIso();
      await this.ctx.db
        .insertInto('account_settings')
        .values({ account_sid: accountSid, name: RETENTION, value, updated_at: now })
        .onConflict((oc) => oc.columns(['account_sid', 'name']).doUpdateSet({ value, updated_at: now }))
        .execute();
    }
    return this.getSettings(accountSid);
  }
}
