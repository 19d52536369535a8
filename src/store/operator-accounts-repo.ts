/**
 * What the operator does to accounts and to its own credential: operator tokens (only their
 * SHA-256 is stored, as for API tokens), suspension, and deletion with everything under the
 * account. Account writes publish the account's event, so cached logins and the gateway's
 * snapshot of its trunks follow at once.
 */
import { toAccount } from './row-mappers.js';
import { generateApiToken, hashApiToken } from './secrets/api-token.js';
import { nowIso, trunkEvent, write, type StoreContext } from './store-context.js';
import type { OperatorToken } from './operator-types.js';
import {
  StoreError,
  type Account,
  type AccountStatus,
  type ChangeEvent,
  type Page,
  type PageRequest,
} from './types.js';

/** Operator tokens are recognisable in a config file or a leaked log line (and never are logged). */
const OPERATOR_TOKEN_PREFIX = 'vop_';

export class OperatorAccountsRepo {
  constructor(private readonly ctx: StoreContext) {}

  async createToken(label: string): Promise<{ token: OperatorToken; secret: string }> {
    const secret = `${OPERATOR_TOKEN_PREFIX}${generateApiToken()}`;
    const createdAt = nowIso();
    const row = await write(
      this.ctx,
      (trx) =>
        trx
          .insertInto('operator_tokens')
          .values({ token_hash: hashApiToken(secret), label, created_at: createdAt })
          .returning('id')
          .executeTakeFirstOrThrow(),
      () => [],
    );
    return { token: { id: String(row.id), label, dateCreated: createdAt }, secret };
  }

  /**
   * Looked up by the token's hash: the database compares hashes of 256-bit secrets, so timing
   * reveals nothing a guesser can use.
   */
  async authenticate(secret: string): Promise<OperatorToken | null> {
    if (!secret.startsWith(OPERATOR_TOKEN_PREFIX) || secret.length > 200) return null;
    const row = await this.ctx.db
      .selectFrom('operator_tokens')
      .selectAll()
      .where('token_hash', '=', hashApiToken(secret))
      .executeTakeFirst();
    return row ? { id: String(row.id), label: row.label, dateCreated: row.created_at } : null;
  }

  /** One page of accounts, oldest first (the API pages them; there may be many). */
  async listPage(page: PageRequest): Promise<Page<Account>> {
    const rows = await this.ctx.db
      .selectFrom('accounts')
      .selectAll()
      .orderBy('created_at')
      .orderBy('sid')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    const total = await this.ctx.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(toAccount), total: Number(total.n) };
  }

  async setStatus(accountSid: string, status: AccountStatus): Promise<Account> {
    return write(
      this.ctx,
      async (trx) => {
        const row = await trx
          .updateTable('accounts')
          .set({ status })
          .where('sid', '=', accountSid)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new StoreError('not_found', 'account not found', 'account_sid');
        return toAccount(row);
      },
      () => [{ kind: 'account', accountSid }],
    );
  }

  async delete(accountSid: string): Promise<void> {
    await write(
      this.ctx,
      async (trx) => {
        const trunks = await trx.selectFrom('trunks').select('sid').where('account_sid', '=', accountSid).execute();
        // Trunks and everything under them go by ON DELETE CASCADE (migration 0001).
        const r = await trx.deleteFrom('accounts').where('sid', '=', accountSid).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw new StoreError('not_found', 'account not found', 'account_sid');
        return trunks.map((t) => t.sid);
      },
      (trunkSids): ChangeEvent[] => [
        { kind: 'account', accountSid },
        ...trunkSids.map((sid) => trunkEvent(accountSid, sid)),
      ],
    );
  }
}
