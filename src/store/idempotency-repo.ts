/**
 * Idempotency keys: the claim is an INSERT that the primary key lets only one request win, on
 * SQLite and PostgreSQL alike, so two API nodes racing on one key cannot both run the request.
 *
 * A kept answer can carry a secret (a created webhook's signing secret, rotated credentials), so
 * it is stored encrypted like SIP passwords, bound to its account and key. An answer that no longer
 * decrypts (the secret key was replaced) is treated as expired: the retry runs again rather than
 * failing.
 */
import type { StoreContext } from './store-context.js';
import type { IdempotencyClaim } from './types.js';

export class IdempotencyRepo {
  constructor(private readonly ctx: StoreContext) {}

  async claim(
    accountSid: string,
    key: string,
    fingerprint: string,
    now: number,
    opts: { ttlMs: number; staleMs: number },
  ): Promise<IdempotencyClaim> {
    const { db } = this.ctx;
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ account_sid: accountSid, key, fingerprint, state: 'pending', created_ms: now })
        .onConflict((oc) => oc.columns(['account_sid', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { state: 'claimed' };
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('account_sid', '=', accountSid)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined) continue; // released between our insert and select: try again
      const age = now - Number(row.created_ms);
      const body = row.state === 'done' && row.body !== null ? this.#open(accountSid, key, row.body) : null;
      const unreadable = row.state === 'done' && body === null;
      const expired = unreadable || (row.state === 'done' ? age > opts.ttlMs : age > opts.staleMs);
      if (expired) {
        // Take it over only if nobody else did meanwhile (same created_ms).
        const r = await db
          .updateTable('idempotency_keys')
          .set({ fingerprint, state: 'pending', status: null, body: null, created_ms: now })
          .where('account_sid', '=', accountSid)
          .where('key', '=', key)
          .where('created_ms', '=', row.created_ms)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) return { state: 'claimed' };
        continue;
      }
      if (row.state === 'done' && row.status !== null && body !== null) {
        return { state: 'done', fingerprint: row.fingerprint, status: Number(row.status), body };
      }
      return { state: 'pending', fingerprint: row.fingerprint };
    }
    return { state: 'pending', fingerprint: '' };
  }

  async complete(accountSid: string, key: string, status: number, body: string, now: number): Promise<void> {
    await this.ctx.db
      .updateTable('idempotency_keys')
      .set({ state: 'done', status, body: this.ctx.box.encrypt(body, aadOf(accountSid, key)), created_ms: now })
      .where('account_sid', '=', accountSid)
      .where('key', '=', key)
      .execute();
  }

  async release(accountSid: string, key: string): Promise<void> {
    await this.ctx.db
      .deleteFrom('idempotency_keys')
      .where('account_sid', '=', accountSid)
      .where('key', '=', key)
      .where('state', '=', 'pending')
      .execute();
  }

  async prune(olderThanMs: number): Promise<number> {
    const r = await this.ctx.db.deleteFrom('idempotency_keys').where('created_ms', '<', olderThanMs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** The kept answer in clear; null when it does not decrypt with this key. */
  #open(accountSid: string, key: string, stored: string): string | null {
    try {
      return this.ctx.box.decrypt(stored, aadOf(accountSid, key));
    } catch {
      return null;
    }
  }
}

const aadOf = (accountSid: string, key: string): string => `idempotency\0${accountSid}\0${key}`;
