/** The WHERE clause shared by the per-trunk call log and account-wide CDR queries. */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from './schema.js';
import type { CdrFilter } from './types.js';

export function cdrFilter(
  eb: ExpressionBuilder<Database, 'calls'>,
  accountSid: string,
  q: CdrFilter & { trunkSid?: string },
): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [eb('account_sid', '=', accountSid)];
  if (q.trunkSid !== undefined) c.push(eb('trunk_sid', '=', q.trunkSid));
  if (q.from !== undefined) c.push(eb('started_at', '>=', q.from));
  if (q.to !== undefined) c.push(eb('started_at', '<', q.to));
  if (q.direction !== undefined) c.push(eb('direction', '=', q.direction));
  if (q.result === 'failed') c.push(eb('final_code', '>=', 300));
  if (q.result === 'completed') c.push(eb('answered_at', 'is not', null));
  if (q.cause !== undefined) c.push(eb('cause', '=', q.cause));
  if (q.callId !== undefined) c.push(eb('call_id', '=', q.callId));
  if (q.number !== undefined) {
    // The gateway records numbers as they came in the SIP URI: with or without the `+`.
    const forms = [q.number, q.number.replace(/^\+/, '')];
    c.push(eb.or([eb('caller', 'in', forms), eb('callee', 'in', forms)]));
  }
  return c;
}
