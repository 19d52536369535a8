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
import { startPostgres } from '../../test/support/postgres.js';
// The gateway bench seeds the same data set, so both benches measure the same tables.
import { seedTrunks } from '../gateway/seed-trunks.js';

const which = process.argv[2] ?? 'sqlite';
const trunks = Number(process.argv[3] ?? 100_000);
const perTrunk = Number(process.argv[4] ?? 10);

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-bench-'));
  const pg = kind === 'postgres' ? await startPostgres() : null;
  const key = randomBytes(32);
  const store = (await openStore({
    dataDir,
    databaseUrl: pg?.url ?? null,
    secretKey: key.toString('hex'),
  })) as KyselyStore;
  try {
    let t = performance.now();
    await seedTrunks(store, trunks, perTrunk, key);
    console.log(
      `${kind}: seeded ${trunks} trunks, ${trunks * perTrunk} numbers in ` +
        `${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    globalThis.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    t = performance.now();
    const all = await store.loadGatewayTrunks();
    const ms = performance.now() - t;
    const numbers = all.reduce((s, g) => s + g.numbers.length, 0);
    const heap = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    console.log(
      `${kind}: loadGatewayTrunks ${all.length} trunks / ${numbers} numbers in ${(ms / 1000).toFixed(2)} s, heap ` +
        `+${heap.toFixed(0)} MiB`,
    );
    t = performance.now();
    for (let i = 0; i < 1000; i++) await store.loadGatewayTrunk(`trmum1${String((i * 97) % trunks).padStart(24, '0')}`);
    console.log(`${kind}: loadGatewayTrunk ×1000 in ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    await store.close();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const kind of which === 'both' ? (['sqlite', 'postgres'] as const) : [which as 'sqlite' | 'postgres'])
  await run(kind);
