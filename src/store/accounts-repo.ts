/** Accounts and their API credentials. */
import { toAccount } from './row-mappers.js';
import { apiTokenMatches, generateApiToken, hashApiToken } from './secrets/api-token.js';
import { newAccountSid, newApiKey } from './secrets/random-ids.js';
import { nowIso, write } from './store-context.js';
import type { StoreContext } from './store-context.js';
import { StoreError } from './types.js';
import type { Account, AccountCredentials } from './types.js';

export class AccountsRepo {
  constructor(private readonly ctx: StoreContext) {}

  async create(name: string): Promise<AccountCredentials> {
    const creds: AccountCredentials = {
      accountSid: newAccountSid(),
      apiKey: newApiKey(),
      apiToken: generateApiToken(),
    };
    await write(
      this.ctx,
      (trx) =>
        trx
          .insertInto('accounts')
          .values({
            sid: creds.accountSid,
            name,
            api_key: creds.apiKey,
            token_hash: hashApiToken(creds.apiToken),
            created_at: nowIso(),
          })
          .execute(),
      () => [{ kind: 'account', accountSid: creds.accountSid }],
      'account',
    );
    return creds;
  }

  async list(): Promise<Account[]> {
    const rows = await this.ctx.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('sid').execute();
    return rows.map(toAccount);
  }

  async count(): Promise<number> {
    const r = await this.ctx.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async get(accountSid: string): Promise<Account | null> {
    const row = await this.ctx.db.selectFrom('accounts').selectAll().where('sid', '=', accountSid).executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async authenticate(apiKey: string, apiToken: string): Promise<Account | null> {
    const row = await this.ctx.db.selectFrom('accounts').selectAll().where('api_key', '=', apiKey).executeTakeFirst();
    // Same hashing and comparison whether or not the key exists (see apiTokenMatches).
    const ok = apiTokenMatches(row?.token_hash ?? null, apiToken);
    return ok && row ? toAccount(row) : null;
  }

  async rotateToken(accountSid: string): Promise<AccountCredentials> {
    const apiToken = generateApiToken();
    const apiKey = await write(
      this.ctx,
      async (trx) => {
        const row = await trx
          .updateTable('accounts')
          .set({ token_hash: hashApiToken(apiToken) })
          .where('sid', '=', accountSid)
          .returning('api_key')
          .executeTakeFirst();
        if (!row) throw new StoreError('not_found', 'account not found', 'account_sid');
        return row.api_key;
      },
      () => [{ kind: 'account', accountSid }],
    );
    return { accountSid, apiKey, apiToken };
  }
}
