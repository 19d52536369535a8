/** The call log the gateway writes (every attempt, rejected ones included) and the API reads. */
import type { Insertable } from 'kysely';
import { cdrFilter } from './cdr-filter.js';
import { toCall } from './row-mappers.js';
import type { CallsTable } from './schema.js';
import type { StoreContext } from './store-context.js';
import type { CallQuery, CallRecord, NewCallRecord, Page } from './types.js';

/** 19 columns × 500 rows = 9,500 bound parameters: under SQLite's 32,766 and PostgreSQL's 65,535. */
const INSERT_CHUNK = 500;

const toRow = (c: NewCallRecord): Insertable<CallsTable> => ({
  call_id: c.callId,
  account_sid: c.accountSid,
  trunk_sid: c.trunkSid,
  direction: c.direction,
  caller: c.caller,
  callee: c.callee,
  source_ip: c.sourceIp,
  source_port: c.sourcePort,
  transport: c.transport,
  final_code: c.finalCode,
  cause: c.cause,
  destination: c.destination,
  started_at: c.startedAt,
  answered_at: c.answeredAt,
  ended_at: c.endedAt,
  duration_ms: c.durationMs,
  carrier: c.carrier ?? null,
  carrier_attempts: c.carrierAttempts ?? null,
  media: c.media == null ? null : JSON.stringify(c.media),
  flow_note: c.flowNote ?? null,
});

export class CallLogRepo {
  constructor(private readonly ctx: StoreContext) {}

  async insert(calls: NewCallRecord[]): Promise<void> {
    if (calls.length === 0) return;
    // One transaction: one fsync for the whole batch, and all or nothing.
    await this.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < calls.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('calls')
          .values(calls.slice(i, i + INSERT_CHUNK).map(toRow))
          .execute();
      }
    });
  }

  async list(accountSid: string, trunkSid: string, query: CallQuery): Promise<Page<CallRecord>> {
    const base = this.ctx.db
      .selectFrom('calls')
      .where((eb) => eb.and(cdrFilter(eb, accountSid, { ...query, trunkSid })));
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toCall), total: Number(count.n) };
  }

  async findByCallId(accountSid: string, callId: string): Promise<CallRecord[]> {
    const rows = await this.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where('call_id', '=', callId)
      .where('account_sid', '=', accountSid)
      .orderBy('id')
      .execute();
    return rows.map(toCall);
  }

  async prune(keep: number): Promise<number> {
    const { db } = this.ctx;
    const k = Math.max(0, Math.floor(keep));
    // The id of the newest record to drop: everything at or below it goes.
    const cut = await db.selectFrom('calls').select('id').orderBy('id', 'desc').limit(1).offset(k).executeTakeFirst();
    if (!cut) return 0;
    const r = await db.deleteFrom('calls').where('id', '<=', cut.id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
