/**
 * Call records at scale: the insert rate of the gateway's call-log writer (`insertCalls`, 500 records
 * a transaction, as `CallLog` flushes), one-day CDR queries, and a streamed CSV export.
 *
 *   node dist/bench/cdr/cdr-bench.js [sqlite|postgres|both] [records] [seed-batch] [--no-export] [--days N]
 *
 * The insert rate is measured on the first 100,000 records in transactions of 500 (as the gateway
 * writes); the rest are seeded `seed-batch` records a transaction (default 500) so that 10M records
 * can be reached on a small machine. `--no-export` skips the CSV export (minutes at 10M).
 * Records are spread evenly over 90 days (or --days N), over 4 trunks of one account, a third of them failed;
 * each query figure is the median of 20 runs of the first page (50 records) and of a page deep in
 * the day (cursor after 5,000 records).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cdrExport } from '../../src/api/cdr-export.js';
import { openStore } from '../../src/store/open-store.js';
import type { CdrQuery, NewCallRecord, Store } from '../../src/store/types.js';
import { startPostgres } from '../../test/support/postgres.js';

const which = process.argv[2] ?? 'sqlite';
const total = Number(process.argv[3] ?? 1_000_000);
const seedBatch = Number(process.argv[4] ?? 500);
const withExport = !process.argv.includes('--no-export');
const MEASURED = Math.min(total, 100_000);
const daysArg = process.argv.indexOf('--days');
/** Fewer days give one day the density of a larger total: `1000000 --days 9` is 10M records' day. */
const DAYS = daysArg === -1 ? 90 : Number(process.argv[daysArg + 1]);
const END = Date.parse('2026-06-01T00:00:00Z');
const START = END - DAYS * 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function record(i: number, accountSid: string, trunks: string[]): NewCallRecord {
  const started = START + Math.floor((i / total) * DAYS * 86_400_000);
  const failed = i % 3 === 0;
  return {
    callId: `${i.toString(36)}-bench@pbx`,
    accountSid,
    trunkSid: trunks[i % trunks.length] ?? null,
    direction: i % 2 === 0 ? 'termination' : 'origination',
    caller: `+9198${String(i % 100_000_000).padStart(8, '0')}`,
    callee: `+1415${String((i * 7) % 10_000_000).padStart(7, '0')}`,
    sourceIp: '10.0.0.5',
    sourcePort: 5060,
    transport: 'udp',
    finalCode: failed ? 486 : 200,
    cause: failed ? 'busy' : 'completed',
    destination: 'sip:carrier.example.com:5061;transport=tls',
    startedAt: iso(started),
    answeredAt: failed ? null : iso(started + 3000),
    endedAt: iso(started + 63_000),
    durationMs: failed ? null : 60_000,
  };
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-cdr-bench-'));
  const pg = kind === 'postgres' ? await startPostgres() : null;
  const store: Store = await openStore({ dataDir, databaseUrl: pg?.url ?? null, secretKey: null });
  try {
    const a = (await store.createAccount('bench')).accountSid;
    const trunks: string[] = [];
    for (const name of ['t1', 't2', 't3', 't4']) {
      trunks.push(
        (await store.createTrunk({ accountSid: a, name, nsoCode: 'ANY-ANY', domainName: `${a}.pstn.exotel.com` })).sid,
      );
    }
    const insert = async (from: number, to: number, size: number): Promise<number> => {
      const t0 = performance.now();
      for (let i = from; i < to; i += size) {
        const batch: NewCallRecord[] = [];
        for (let k = i; k < Math.min(to, i + size); k++) batch.push(record(k, a, trunks));
        await store.insertCalls(batch);
      }
      return (performance.now() - t0) / 1000;
    };
    const insertS = await insert(0, MEASURED, 500);
    console.log(
      `${kind}: inserted ${MEASURED} records 500 a transaction in ${insertS.toFixed(1)} s = ` +
        `${Math.round(MEASURED / insertS)}/s`,
    );
    if (total > MEASURED) {
      const seedS = await insert(MEASURED, total, seedBatch);
      console.log(
        `${kind}: seeded ${total - MEASURED} more, ${seedBatch} a transaction, in ${seedS.toFixed(1)} s = ` +
          `${Math.round((total - MEASURED) / seedS)}/s`,
      );
    }
    let t = performance.now();

    const mid = Math.floor(DAYS / 2);
    const day = { from: iso(END - mid * 86_400_000), to: iso(END - (mid - 1) * 86_400_000) };
    const deep = await (async () => {
      let q: CdrQuery = { ...day, limit: 100 };
      for (let i = 0; i < 50; i++) {
        const p = await store.queryCdrs(a, q);
        if (p.next === null) break;
        q = { ...q, after: p.next };
      }
      return q.after;
    })();
    const queries: Array<[string, CdrQuery]> = [
      ['one day, first page', { ...day, limit: 50 }],
      ['one day, page after 5,000', { ...day, limit: 50, ...(deep ? { after: deep } : {}) }],
      ['one day + trunk', { ...day, trunkSid: trunks[1] as string, limit: 50 }],
      ['one day + failed', { ...day, result: 'failed', limit: 50 }],
      ['one day + cause + direction', { ...day, cause: 'busy', direction: 'origination', limit: 50 }],
      ['one day + number', { ...day, number: '+919800012345', limit: 50 }],
    ];
    for (const [what, q] of queries) {
      const ms = await median(20, () => store.queryCdrs(a, q));
      console.log(`${kind}: ${what}: median ${ms.toFixed(2)} ms`);
    }

    if (!withExport) return;
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    let bytes = 0;
    t = performance.now();
    await pipeline(
      cdrExport('csv', store.streamCdrs(a, { limit: 1000 })),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          peak = Math.max(peak, process.memoryUsage().rss);
          cb();
        },
      }),
    );
    const exportS = (performance.now() - t) / 1000;
    console.log(
      `${kind}: CSV export of ${total} records (${(bytes / 2 ** 20).toFixed(0)} MB) in ${exportS.toFixed(1)} s ` +
        `= ${Math.round(total / exportS)}/s, RSS growth ${((peak - rss0) / 2 ** 20).toFixed(1)} MB`,
    );
  } finally {
    await store.close();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const kind of which === 'both' ? (['sqlite', 'postgres'] as const) : [which as 'sqlite' | 'postgres']) {
  await run(kind);
}
