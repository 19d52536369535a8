/** The WHERE clause shared by the per-trunk call log and account-wide CDR queries. */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from './schema.js';
import type { CdrFilter } from './types.js';

export function cdrFilter(
  eb: ExpressionBuilder<Database, 'calls'>,
  accountSid: string,
  q: CdrFilter & { trunkSid?: string },
): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [];
  // The scope and time range: on the calls themselves, or, with a number, inside its look-up below.
  const scope = (e: ExpressionBuilder<Database, 'calls'>): Expression<SqlBool>[] => {
    const s: Expression<SqlBool>[] = [e('account_sid', '=', accountSid)];
    if (q.trunkSid !== undefined) s.push(e('trunk_sid', '=', q.trunkSid));
    if (q.from !== undefined) s.push(e('started_at', '>=', q.from));
    if (q.to !== undefined) s.push(e('started_at', '<', q.to));
    return s;
  };
  if (q.number === undefined) c.push(...scope(eb));
  else {
    // The gateway records numbers as they came in the SIP URI: with or without the `+`. The calls of a
    // number are found as the union of two index range scans (caller, callee: migration 0012), then
    // read by id: written as `caller IN … OR callee IN …` beside the time range, SQLite would scan the
    // whole range instead.
    const forms = [q.number, q.number.replace(/^\+/, '')];
    const side = (column: 'caller' | 'callee') =>
      eb
        .selectFrom('calls')
        .select('id')
        .where((e) => e.and([...scope(e), e(column, 'in', forms)]));
    c.push(eb('id', 'in', side('caller').unionAll(side('callee'))));
  }
  if (q.direction !== undefined) c.push(eb('direction', '=', q.direction));
  if (q.result === 'failed') c.push(eb('final_code', '>=', 300));
  if (q.result === 'completed') c.push(eb('answered_at', 'is not', null));
  if (q.cause !== undefined) c.push(eb('cause', '=', q.cause));
  if (q.callId !== undefined) c.push(eb('call_id', '=', q.callId));
  return c;
}
