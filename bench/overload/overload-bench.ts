/**
 * Overload bench: offer the gateway twice the calls it can carry and check it keeps
 * ≥ 90 % of its capacity as completed calls, answering the rest 503 + Retry-After instead of
 * slowing every call down; then RSS before/after a long flood.
 *
 * 1. Capacity: sipp → vsip → sipp steps (`bench/gateway`'s setup, bench-uac.xml) at `--rates`,
 *    overload control off (it would refuse calls near capacity, which is its job but not what is
 *    measured here); the highest step where every call completed at ≥ 90 % of the asked rate.
 *    `--capacity N` skips it.
 * 2. Overload: `--factor` (default 2) × capacity for `--seconds` (default 20) with overload-uac.xml
 *    (a 503 is ACKed and ends the call); completed calls and 503s read from the gateway's counters;
 *    "completed while offered" counts calls completed during the offered seconds, divided by them.
 *    With `--compare`, the same run again with overload control off (--sip-max-lag 0, --sip-max-calls 0).
 * 3. Memory: RSS and live heap (after a full GC) before the flood, right after it, and after the
 *    transactions' wait timers (32 s) have drained. `--minutes M` makes the flood M minutes long.
 *
 *   npx tsc -p tsconfig.json
 *   node --expose-gc dist/bench/overload/overload-bench.js [--rates 1000,2000,3000,4000,5000] [--capacity N]
 *        [--factor 2] [--seconds 20 | --minutes 5] [--max-load 90] [--max-lag 200] [--compare] [--transport udp|tcp]
 *
 * The gateway runs in this process; sipp UAC and UAS are children.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../../test/support/ports.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';
import { setupTrunk, startUas, stop, uacArgs, withGateway } from '../gateway/sipp-gateway.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const RATES = arg('rates', '1000,1500,2000,2500,3000,3500,4000,5000,6000').split(',').map(Number);
const FACTOR = Number(arg('factor', '2'));
const MINUTES = Number(arg('minutes', '0'));
const SECONDS = MINUTES > 0 ? MINUTES * 60 : Number(arg('seconds', '20'));
const MAX_LAG = arg('max-lag', '200');
const MAX_LOAD = arg('max-load', '90');
const TRANSPORT = arg('transport', 'udp') as 'udp' | 'tcp';
const COMPARE = process.argv.includes('--compare');
const GIVEN_CAPACITY = Number(arg('capacity', '0'));
const OVERLOAD_UAC = resolve(process.cwd(), 'bench/overload/overload-uac.xml');

async function counter(metrics: Registry, cause: string): Promise<number> {
  const m = (await metrics.getSingleMetric('vsip_sip_calls_total')?.get())?.values ?? [];
  return m.filter((v) => v.labels.cause === cause).reduce((n, v) => n + v.value, 0);
}

function memory(): { rssMB: number; heapMB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMB: Math.round(m.rss / 1e6), heapMB: Math.round(m.heapUsed / 1e6) };
}

interface Run {
  rate: number;
  seconds: number;
  offered: number;
  completed: number;
  refused: number;
  sippFailed: number;
  wall: number;
  /** Completed calls counted while the calls were being offered (the first `seconds`). */
  completedInWindow: number;
}

async function run(
  metrics: Registry,
  remote: string,
  host: string,
  rate: number,
  seconds: number,
  scenario?: string,
): Promise<Run> {
  const calls = Math.round(rate * seconds);
  const c0 = await counter(metrics, 'completed');
  const r0 = await counter(metrics, 'overloaded');
  const t0 = Date.now();
  let completedInWindow = -1;
  const window = setTimeout(() => {
    void counter(metrics, 'completed').then((c) => (completedInWindow = c - c0));
  }, seconds * 1000);
  const r = await runSipp({
    args: uacArgs({
      remote,
      host,
      transport: TRANSPORT,
      rate,
      calls,
      localPort: await freePort(),
      timeoutS: seconds + 60,
      ...(scenario !== undefined ? { scenario } : {}),
    }),
    killAfterMs: (seconds + 90) * 1000,
  });
  const wall = (Date.now() - t0) / 1000;
  const c = sippCounts(r.stdout);
  if (c.successful < 0) console.log(r.stdout.slice(-2000), r.stderr.slice(-2000));
  clearTimeout(window);
  const completed = (await counter(metrics, 'completed')) - c0;
  return {
    rate,
    seconds,
    offered: calls,
    completed,
    refused: (await counter(metrics, 'overloaded')) - r0,
    sippFailed: c.failed,
    wall,
    completedInWindow: completedInWindow < 0 ? completed : completedInWindow,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-overload-bench-'));
  const store = await openStore({ databaseUrl: null, dataDir, secretKey: randomBytes(32).toString('hex') });
  const host = await setupTrunk(store);
  const uasPort = await freePort();
  const uas = startUas(uasPort, TRANSPORT);
  await new Promise((r) => setTimeout(r, 400));
  const lines: string[] = [];
  const flood = async (label: string, flags: Record<string, string>, capacity: number): Promise<void> => {
    await withGateway(
      store,
      dataDir,
      uasPort,
      TRANSPORT,
      async (g, metrics) => {
        const port = g.addresses.find((a) => a.side === 'access' && a.protocol === TRANSPORT)?.port;
        const remote = `127.0.0.1:${port}`;
        await run(metrics, remote, host, Math.min(500, capacity), 2, OVERLOAD_UAC); // warm-up (JIT, sockets)
        await new Promise((r) => setTimeout(r, 1000));
        const before = memory();
        const rate = Math.round(capacity * FACTOR);
        const o = await run(metrics, remote, host, rate, SECONDS, OVERLOAD_UAC);
        const after = memory();
        await new Promise((r) => setTimeout(r, 35_000)); // Timer H/J/K wait states end
        const drained = memory();
        const goodput = Math.round(o.completedInWindow / SECONDS);
        const line =
          `| ${label} | ${capacity}/s | ${rate}/s × ${SECONDS} s | ${goodput}/s = ` +
          `${Math.round((100 * goodput) / capacity)} % of capacity (${o.completed} in all) | ${o.refused} | ` +
          `${o.sippFailed} | ${o.wall.toFixed(1)} s | ${before.rssMB} / ${after.rssMB} / ${drained.rssMB} MB | ` +
          `${before.heapMB} / ${after.heapMB} / ${drained.heapMB} MB |`;
        console.log(line);
        lines.push(line);
      },
      flags,
    );
  };
  try {
    let capacity = GIVEN_CAPACITY;
    if (capacity === 0) {
      await withGateway(
        store,
        dataDir,
        uasPort,
        TRANSPORT,
        async (g, metrics) => {
          const port = g.addresses.find((a) => a.side === 'access' && a.protocol === TRANSPORT)?.port;
          await run(metrics, `127.0.0.1:${port}`, host, 500, 2); // warm-up (JIT, sockets)
          for (const rate of RATES) {
            const s = await run(metrics, `127.0.0.1:${port}`, host, rate, 3);
            const achieved = Math.round(s.completed / s.wall);
            const ok = s.sippFailed === 0 && s.completed === s.offered && achieved >= rate * 0.9 * (3 / 3.5);
            console.log(
              `  capacity step ${String(rate).padStart(5)}/s: completed ${s.completed}/${s.offered}, 503 ` +
                `${s.refused}, sipp failed ${s.sippFailed}, achieved ${achieved}/s ${ok ? 'PASS' : 'FAIL'}`,
            );
            if (!ok) break;
            capacity = Math.max(capacity, Math.min(rate, Math.round(s.completed / 3)));
            await new Promise((r) => setTimeout(r, 500));
          }
        },
        { sipMaxLag: '0', sipMaxLoad: '0' },
      );
      console.log(`capacity: ${capacity} calls/s`);
    }
    if (capacity === 0) throw new Error('no capacity step passed');
    await flood(
      `on (--sip-max-load ${MAX_LOAD}, --sip-max-lag ${MAX_LAG})`,
      { sipMaxLag: MAX_LAG, sipMaxLoad: MAX_LOAD },
      capacity,
    );
    if (COMPARE) await flood('off', { sipMaxLag: '0', sipMaxCalls: '0', sipMaxLoad: '0' }, capacity);
  } finally {
    await stop(uas);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    '\n| overload control | capacity | offered | completed while offered | 503 | sipp failed | wall | RSS before / ' +
      'after / +35 s | heap before / after / +35 s |\n|---|---|---|---|---|---|---|---|---|',
  );
  for (const l of lines) console.log(l);
}

await main();
process.exit(0);
