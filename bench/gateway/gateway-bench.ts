/**
 * Gateway calls per second: sipp UAC (the PBX, on 127.0.0.2) → vsip (full termination policy:
 * trunk by account host + source IP, caller ID mapped, E.164, codecs, Max-Forwards; stateful proxy
 * with Record-Route, call log written) → sipp UAS (the carrier, `bench-uas.xml`), compared in
 * the same run with sipp UAC → sipp UAS directly. The rate steps up until a step has a failed call
 * or falls short of the asked rate; the highest clean step is reported. Then the same with
 * 100k trunks / 1M mapped numbers bulk-inserted into the SQLite store.
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/gateway/gateway-bench.js [--rates 250,500,1000,...] [--seconds 3]
 *       [--transports udp,tcp] [--big 100000] [--vsip-only]
 *       [--serve sipMaxLoad=0,sipMaxLag=0,sipMaxTransactions=0]
 *       [--heap [--snapshot]]   (--heap needs node --expose-gc)
 *       [--workers N] [--carriers 3 --routes 1000 [--compare [--rounds 2]]]
 *
 * The gateway runs in this process (the driver only waits on sipp children), so each step's
 * `process.cpuUsage()` divided by its completed calls is the gateway's µs of CPU per call — the
 * steadiest figure on a shared machine; compare it at a fixed rate (e.g. `--rates 2500,2500,2500`,
 * first step = warm-up). `node --cpu-prof` on this process profiles the gateway alone.
 *
 * `--workers N`: the gateway is a `vsip serve --role sip --sip-workers N` child process instead (N
 * gateway processes on the same ports, UDP steered by Call-ID); its CPU per call is that of the
 * whole process tree read from /proc (10 ms resolution), and there is no single event loop to report.
 *
 * `--carriers N --routes M --compare`: in the same invocation, the in-process gateway with the one
 * static `--carrier` and with the plan of N carriers and M routes, one after the other `--rounds`
 * times (alternating, so a change in the machine's load hits both), each with its highest clean
 * rate and CPU per call; a table of both at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../../test/support/ports.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';
import { seedTrunks } from './seed-trunks.js';
import { benchCarrierPlan } from './bench-carrier-plan.js';
import { setupTrunk, startUas, stop, uacArgs, withGateway, withServeChild } from './sipp-gateway.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const RATES = arg('rates', '250,500,1000,1500,2000,2500,3000,4000,5000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '3'));
const TRANSPORTS = arg('transports', 'udp,tcp').split(',') as Array<'udp' | 'tcp'>;
const BIG = Number(arg('big', '100000'));
/** `--vsip-only`: skip the direct sipp → sipp runs (profiling the gateway alone). */
const VSIP_ONLY = process.argv.includes('--vsip-only');
/**
 * `--serve sipMaxLoad=0,sipMaxLag=0`: serve options (config keys) for the gateway under test, e.g. to
 * take overload control out of a per-call CPU measurement.
 */
const SERVE_FLAGS: Record<string, string> = Object.fromEntries(
  arg('serve', '')
    .split(',')
    .filter((kv) => kv.includes('='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
/** `--heap` (with node --expose-gc): print the live heap after each step; `--snapshot` also writes a heap snapshot. */
const HEAP = process.argv.includes('--heap');
/** `--workers N`: measure `vsip serve --sip-workers N` (a child process) rather than a gateway in this process. */
const WORKERS = Number(arg('workers', '0'));
/** `--carriers N --routes M`: termination through a plan of N carriers and M routes (in-process gateway only). */
const CARRIERS = Number(arg('carriers', '0'));
const ROUTES = Number(arg('routes', '0'));
/** `--compare`: the `--carrier` baseline and the N-carrier plan in one run, alternated `--rounds` times. */
const COMPARE = process.argv.includes('--compare') && CARRIERS > 0;
const ROUNDS = Number(arg('rounds', '1'));

interface Step {
  rate: number;
  successful: number;
  failed: number;
  achieved: number;
  ok: boolean;
  /**
   * CPU (user + system) this process spent per completed call, µs; the gateway runs in this process, sipp in children.
   */
  cpuUsPerCall: number;
  /** Event-loop utilisation of this process during the step, % (what the overload guard steers on). */
  elu: number;
}

/** µs of CPU the gateway under test has used so far. */
type CpuClock = () => number;
const ownCpu: CpuClock = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function step(
  remote: string,
  host: string,
  transport: 'udp' | 'tcp',
  rate: number,
  cpuClock: CpuClock,
): Promise<Step> {
  const calls = Math.round(rate * SECONDS);
  const local = await freePort();
  const args = uacArgs({ remote, host, transport, rate, calls, localPort: local, timeoutS: SECONDS * 4 + 10 });
  const t0 = process.hrtime.bigint();
  const cpu0 = cpuClock();
  const elu0 = performance.eventLoopUtilization();
  const r = await runSipp({ args, killAfterMs: (SECONDS * 4 + 20) * 1000 });
  const cpu = cpuClock() - cpu0;
  const elu = Math.round(100 * performance.eventLoopUtilization(elu0).utilization);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = sippCounts(r.stdout);
  // Far less noisy than the max-rate search on a shared machine: CPU time is not stolen by neighbours.
  const cpuUsPerCall = c.successful > 0 ? Math.round(cpu / c.successful) : 0;
  if (HEAP) {
    // `--heap` (run node with --expose-gc): what the calls of this step still hold (transactions in
    // their 32 s wait states, dialogs), after a full GC.
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    console.log(
      `    heap used ${(m.heapUsed / 1e6).toFixed(1)} MB, external + array buffers ` +
        `${((m.external + m.arrayBuffers) / 1e6).toFixed(1)} MB`,
    );
    if (process.argv.includes('--snapshot')) console.log(`    heap snapshot ${writeHeapSnapshot()}`);
  }
  const achieved = Math.round(c.successful / wall);
  const ok =
    r.code === 0 && c.failed === 0 && c.successful === calls && achieved >= rate * 0.9 * (SECONDS / (SECONDS + 0.5));
  return { rate, successful: c.successful, failed: c.failed, achieved, ok, cpuUsPerCall, elu };
}

async function search(
  label: string,
  remote: string,
  host: string,
  transport: 'udp' | 'tcp',
  cpuClock: CpuClock = ownCpu,
): Promise<Step | null> {
  let best: Step | null = null;
  for (const rate of RATES) {
    const s = await step(remote, host, transport, rate, cpuClock);
    console.log(
      `  ${label.padEnd(28)} ${transport} rate ${String(rate).padStart(5)}/s  ok ${s.successful}  failed ${s.failed} ` +
        ` achieved ${s.achieved}/s  cpu ${s.cpuUsPerCall} µs/call  elu ${cpuClock === ownCpu ? `${s.elu} %` : 'n/a'} ` +
        ` ${s.ok ? 'PASS' : 'FAIL'}`,
    );
    if (!s.ok) break;
    best = s;
    await new Promise((r) => setTimeout(r, 300));
  }
  return best;
}

async function main(): Promise<void> {
  console.log(`gateway bench: ${SECONDS} s of calls per step, rates ${RATES.join(', ')}`);
  const results: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-gw-bench-'));
  const key = randomBytes(32);
  const store = await openStore({ databaseUrl: null, dataDir, secretKey: key.toString('hex') });
  const host = await setupTrunk(store);
  /** The gateway in this process, with `--carrier` (carriers = 0) or an N-carrier plan. */
  const inProcess = (uasPort: number, transport: 'udp' | 'tcp', label: string, carriers: number) => {
    const uri = `sip:127.0.0.1:${uasPort}${transport === 'tcp' ? ';transport=tcp' : ''}`;
    const plan = carriers > 0 ? benchCarrierPlan(uri, carriers, ROUTES) : undefined;
    const what = carriers > 0 ? `${carriers} carriers, ${ROUTES} routes` : '--carrier';
    return withGateway(
      store,
      dataDir,
      uasPort,
      transport,
      async (g) => {
        const port = g.addresses.find((a) => a.side === 'access' && a.protocol === transport)?.port;
        return search(`via vsip (${label}, ${what})`, `127.0.0.1:${port}`, host, transport);
      },
      SERVE_FLAGS,
      plan,
    );
  };
  /** `--compare`: the static carrier and the plan, alternated, each search's best step kept. */
  const compare = async (label: string): Promise<void> => {
    for (const transport of TRANSPORTS) {
      const uasPort = await freePort();
      const uas = startUas(uasPort, transport);
      await new Promise((r) => setTimeout(r, 400));
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          for (const carriers of [0, CARRIERS]) {
            const best = await inProcess(uasPort, transport, label, carriers);
            const what = carriers > 0 ? `${carriers} carriers / ${ROUTES} routes` : '`--carrier` (static)';
            results.push(
              `| ${round} | ${what} | ${transport.toUpperCase()} | ${best?.rate ?? 0} (${best?.achieved ?? 0}/s) | ` +
                `${best?.cpuUsPerCall ?? 'n/a'} |`,
            );
          }
        }
      } finally {
        await stop(uas);
      }
    }
    console.log(
      '\n| round | carriers | transport | highest clean rate (achieved) | CPU µs/call at that rate |\n' +
        '|---|---|---|---|---|',
    );
    for (const l of results.splice(0)) console.log(l);
  };
  const runAll = async (label: string): Promise<void> => {
    if (COMPARE) return compare(label);
    for (const transport of TRANSPORTS) {
      const uasPort = await freePort();
      const uas = startUas(uasPort, transport);
      await new Promise((r) => setTimeout(r, 400));
      try {
        const direct = VSIP_ONLY ? null : await search('direct sipp → sipp', `127.0.0.1:${uasPort}`, host, transport);
        const via =
          WORKERS > 0
            ? await withServeChild(
                dataDir,
                key.toString('hex'),
                uasPort,
                transport,
                WORKERS,
                async (child) => {
                  // Fresh processes: a warm-up step at a fifth of the first rate, not counted.
                  await step(
                    `127.0.0.1:${child.port}`,
                    host,
                    transport,
                    Math.max(200, Math.round((RATES[0] ?? 1000) / 5)),
                    child.cpuUs,
                  );
                  return search(
                    `via vsip ×${WORKERS} (${label})`,
                    `127.0.0.1:${child.port}`,
                    host,
                    transport,
                    child.cpuUs,
                  );
                },
                SERVE_FLAGS,
              )
            : await inProcess(uasPort, transport, label, CARRIERS);
        const d = direct?.rate ?? 0;
        const v = via?.rate ?? 0;
        const line =
          `| ${label} | ${transport.toUpperCase()} | ${d} (${direct?.achieved ?? 0}/s) | ${v} ` +
          `(${via?.achieved ?? 0}/s) | ${d > 0 ? Math.round((100 * v) / d) : 0} % |`;
        results.push(line);
        console.log(line);
      } finally {
        await stop(uas);
      }
    }
  };
  try {
    await runAll('1 trunk');
    if (BIG > 0) {
      const t0 = Date.now();
      await seedTrunks(store as KyselyStore, BIG, 10, key);
      console.log(`seeded ${BIG} trunks / ${BIG * 10} numbers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await runAll(`${BIG / 1000}k trunks / ${(BIG * 10) / 1e6}M numbers`);
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (COMPARE) return; // its tables are printed as each store's runs end
  console.log(
    '\n| store | transport | direct: highest clean rate (achieved) | via vsip: highest clean rate (achieved) | vsip ' +
      '/ direct |\n|---|---|---|---|---|',
  );
  for (const l of results) console.log(l);
}

await main();
// sipp children are gone and the gateway is closed; do not wait on idle sockets of the bench harness.
process.exit(0);
