/**
 * How long `loadGatewayTrunks()` takes at scale (default 100k trunks, 1M numbers, 100k IP
 * ranges, 100k destinations), on SQLite and/or PostgreSQL.
 *
 *   node dist/bench/store/gateway-load.js [sqlite|postgres|both] [trunks] [numbersPerTrunk]
 *
 * Seeds with bulk inserts straight into the tables (encrypting each SIP password as the store
 * would), then times the load and reports heap growth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { SecretBox } from '../../src/store/secrets/secret-box.js';
import { startPostgres } from '../../test/helpers/postgres.js';

const which = process.argv[2] ?? 'sqlite';
const trunks = Number(process.argv[3] ?? 100_000);
const perTrunk = Number(process.argv[4] ?? 10);
const BATCH = 1000;

async function seed(store: KyselyStore, key: Buffer): Promise<void> {
  const box = new SecretBox(key);
  const now = '2026-01-01T00:00:00Z';
  const acct = await store.createAccount('bench');
  for (let i = 0; i < trunks; i += BATCH) {
    const n = Math.min(BATCH, trunks - i);
    const sids = Array.from({ length: n }, (_, j) => `trmum1${String(i + j).padStart(24, '0')}`);
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('trunks')
        .values(
          sids.map((sid, j) => ({
            sid, account_sid: acct.accountSid, name: `t${i + j}`, nso_code: 'ANY-ANY', domain_name: 'd', status: 'active',
            auth_type: 'ip_whitelist', registration_enabled: 0, edge_preference: null, secure_trunking: 0, max_cps: null,
            max_concurrent: null, sip_password_enc: box.encrypt('password-password', sid), created_at: now, updated_at: now,
          })),
        )
        .execute();
      const nums = sids.flatMap((sid, j) =>
        Array.from({ length: perTrunk }, (_, k) => ({ trunk_sid: sid, phone_number: `+1${String((i + j) * perTrunk + k).padStart(10, '0')}`, mode: 'pstn', created_at: now, updated_at: now })),
      );
      for (let k = 0; k < nums.length; k += BATCH) await trx.insertInto('phone_numbers').values(nums.slice(k, k + BATCH)).execute();
      await trx.insertInto('whitelisted_ips').values(sids.map((sid, j) => ({ trunk_sid: sid, ip: `10.${(i + j) >> 16 & 255}.${(i + j) >> 8 & 255}.${(i + j) & 255}`, mask: 32, created_at: now, updated_at: now }))).execute();
      await trx
        .insertInto('destination_uris')
        .values(sids.map((sid) => ({ trunk_sid: sid, destination: '127.0.0.1:5060;transport=tcp', host: '127.0.0.1', port: 5060, transport: 'tcp', priority: 1, weight: 1, created_at: now, updated_at: now })))
        .execute();
    });
  }
}

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-bench-'));
  const pg = kind === 'postgres' ? await startPostgres() : null;
  const key = randomBytes(32);
  const store = (await openStore({ dataDir, databaseUrl: pg?.url ?? null, secretKey: key.toString('hex') })) as KyselyStore;
  try {
    let t = performance.now();
    await seed(store, key);
    console.log(`${kind}: seeded ${trunks} trunks, ${trunks * perTrunk} numbers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    globalThis.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    t = performance.now();
    const all = await store.loadGatewayTrunks();
    const ms = performance.now() - t;
    const numbers = all.reduce((s, g) => s + g.numbers.length, 0);
    const heap = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    console.log(`${kind}: loadGatewayTrunks ${all.length} trunks / ${numbers} numbers in ${(ms / 1000).toFixed(2)} s, heap +${heap.toFixed(0)} MiB`);
    t = performance.now();
    for (let i = 0; i < 1000; i++) await store.loadGatewayTrunk(`trmum1${String(i * 97 % trunks).padStart(24, '0')}`);
    console.log(`${kind}: loadGatewayTrunk ×1000 in ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    await store.close();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const kind of which === 'both' ? (['sqlite', 'postgres'] as const) : [which as 'sqlite' | 'postgres']) await run(kind);
