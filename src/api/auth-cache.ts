import { createHash } from 'node:crypto';
import type { Account, Store } from '../store/types.js';

/**
 * Remembers successful Basic-auth look-ups for a few seconds, so that a busy client does not pay
 * a token-hash verification in the store on every request. Keyed by a SHA-256 of the credentials
 * (the clear token is never kept); only successes are cached; every entry of an account is dropped
 * when the store reports a change to that account (token rotation).
 */
export class AuthCache {
  private readonly entries = new Map<string, { account: Account; expiresAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
  ) {}

  async authenticate(apiKey: string, apiToken: string, now = Date.now()): Promise<Account | null> {
    const key = createHash('sha256').update(apiKey).update('\0').update(apiToken).digest('base64');
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expiresAt > now) return hit.account;
    const account = await this.store.authenticate(apiKey, apiToken);
    if (account === null) {
      this.entries.delete(key);
      return null;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { account, expiresAt: now + this.ttlMs });
    return account;
  }

  invalidateAccount(accountSid: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.account.sid === accountSid) this.entries.delete(key);
    }
  }
}
