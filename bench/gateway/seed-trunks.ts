import type { KyselyStore } from '../../src/store/kysely-store.js';
import { SecretBox } from '../../src/store/secrets/secret-box.js';

const BATCH = 1000;

/**
 * Bulk-inserts `trunks` trunks with `perTrunk` numbers, one /32 whitelist (10.x.x.x) and one TCP
 * destination each, straight into the tables (the API would take hours for 1M numbers), under one
 * throw-away account. Same shape as bench/store/gateway-load.ts.
 */
export async function seedTrunks(store: KyselyStore, trunks: number, perTrunk: number, key: Buffer): Promise<void> {
  const box = new SecretBox(key);
  const now = '2026-01-01T00:00:00Z';
  const acct = await store.createAccount('bench-bulk');
  for (let i = 0; i < trunks; i += BATCH) {
    const n = Math.min(BATCH, trunks - i);
    const sids = Array.from({ length: n }, (_, j) => `trmum1${String(i + j).padStart(24, '0')}`);
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('trunks')
        .values(
          sids.map((sid, j) => ({
            sid,
            account_sid: acct.accountSid,
            name: `t${i + j}`,
            nso_code: 'ANY-ANY',
            domain_name: 'd',
            status: 'active',
            auth_type: 'ip_whitelist',
            registration_enabled: 0,
            edge_preference: null,
            secure_trunking: 0,
            max_cps: null,
            max_concurrent: null,
            sip_password_enc: box.encrypt('password-password', sid),
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      const nums = sids.flatMap((sid, j) =>
        Array.from({ length: perTrunk }, (_, k) => ({
          trunk_sid: sid,
          phone_number: `+1${String((i + j) * perTrunk + k).padStart(10, '0')}`,
          mode: 'pstn',
          created_at: now,
          updated_at: now,
        })),
      );
      for (let k = 0; k < nums.length; k += BATCH)
        await trx
          .insertInto('phone_numbers')
          .values(nums.slice(k, k + BATCH))
          .execute();
      await trx
        .insertInto('whitelisted_ips')
        .values(
          sids.map((sid, j) => ({
            trunk_sid: sid,
            ip: `10.${((i + j) >> 16) & 255}.${((i + j) >> 8) & 255}.${(i + j) & 255}`,
            mask: 32,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await trx
        .insertInto('destination_uris')
        .values(
          sids.map((sid) => ({
            trunk_sid: sid,
            destination: '127.0.0.1:5060;transport=tcp',
            host: '127.0.0.1',
            port: 5060,
            transport: 'tcp',
            priority: 1,
            weight: 1,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    });
  }
}
