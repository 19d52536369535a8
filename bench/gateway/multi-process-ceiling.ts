/**
 * How far several gateway processes could take UDP on this machine, measured before building them:
 * N independent gateways (each in its own process with its own SQLite store, trunk and UDP port,
 * full termination policy, overload control off), each fed by its own sipp UAC at rate / N, one
 * sipp UAS as the carrier. Nothing passes between the processes, so this is an upper bound for any
 * design that shares one port among processes (those add the cost of steering each call to its
 * process). Compared in the same run with direct sipp → sipp and with one gateway process.
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/gateway/multi-process-ceiling.js [--processes 2] [--rates 6000,7000,8000,9000] [--seconds 3]
 *
 * A warm-up step (2,000/s for 2 s) precedes the counted ones. A step passes as in gateway-bench.ts: every call
 * answered, none failed, and the achieved rate
 * at least 90 % of the asked one over the step's wall time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../../test/support/ports.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';
import { setupTrunk, startUas, stop, uacArgs, withGateway } from './sipp-gateway.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

/** `--child <uas port>`: one gateway process; prints `{host, port}` and runs until SIGTERM. */
async function child(uasPort: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-ceiling-'));
  const store = await openStore({ databaseUrl: null, dataDir, secretKey: randomBytes(32).toString('hex') });
  const host = await setupTrunk(store);
  await withGateway(
    store,
    dataDir,
    uasPort,
    'udp',
    async (g) => {
      const port = g.addresses.find((a) => a.side === 'access' && a.protocol === 'udp')?.port;
      process.stdout.write(`${JSON.stringify({ host, port })}\n`);
      await new Promise((r) => process.once('SIGTERM', r));
    },
    { sipMaxLoad: '0', sipMaxLag: '0', sipMaxTransactions: '0' },
  );
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}

interface Gw {
  proc: ChildProcess | null;
  host: string;
  port: number;
}

async function startGatewayProcess(uasPort: number): Promise<Gw> {
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', String(uasPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`gateway process exited (${code})`)));
  });
  const { host, port } = JSON.parse(line) as { host: string; port: number };
  return { proc, host, port };
}

/** One step: every target gets its own sipp UAC at rate / targets.length, all at once. */
async function step(
  targets: Gw[],
  rate: number,
  seconds: number,
): Promise<{ ok: boolean; successful: number; failed: number; achieved: number }> {
  const t0 = Date.now();
  const runs = await Promise.all(
    targets.map(async (t) => {
      const calls = Math.round((rate / targets.length) * seconds);
      const args = uacArgs({
        remote: `127.0.0.1:${t.port}`,
        host: t.host,
        transport: 'udp',
        rate: rate / targets.length,
        calls,
        localPort: await freePort(),
        timeoutS: seconds * 4 + 10,
      });
      const r = await runSipp({ args, killAfterMs: (seconds * 4 + 20) * 1000 });
      return { calls, code: r.code, ...sippCounts(r.stdout) };
    }),
  );
  const wall = (Date.now() - t0) / 1000;
  const successful = runs.reduce((n, r) => n + r.successful, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  const achieved = Math.round(successful / wall);
  const ok =
    runs.every((r) => r.code === 0 && r.failed === 0 && r.successful === r.calls) &&
    achieved >= rate * 0.9 * (seconds / (seconds + 0.5));
  return { ok, successful, failed, achieved };
}

async function main(): Promise<void> {
  const processes = Number(arg('processes', '2'));
  const rates = arg('rates', '6000,7000,8000,9000').split(',').map(Number);
  const seconds = Number(arg('seconds', '3'));
  const uasPort = await freePort();
  const uas = startUas(uasPort, 'udp');
  await new Promise((r) => setTimeout(r, 400));
  // The direct run's sipp UAS does not look at the Request-URI host.
  const host = 'direct.pstn.exotel.com';
  const setups: Array<{ label: string; targets: () => Promise<Gw[]> }> = [
    { label: 'direct sipp → sipp', targets: async () => [{ proc: null, host, port: uasPort }] },
    { label: '1 gateway process', targets: async () => [await startGatewayProcess(uasPort)] },
    {
      label: `${processes} gateway processes`,
      targets: async () => Promise.all(Array.from({ length: processes }, () => startGatewayProcess(uasPort))),
    },
  ];
  console.log(`multi-process ceiling: ${seconds} s per step, rates ${rates.join(', ')}`);
  const summary: string[] = [];
  try {
    for (const s of setups) {
      const targets = await s.targets();
      let best = 0;
      let bestAchieved = 0;
      try {
        // Not counted: fresh processes compile their hot paths during the first seconds of calls.
        if (targets.some((t) => t.proc !== null)) await step(targets, 2000, 2);
        for (const rate of rates) {
          const r = await step(targets, rate, seconds);
          console.log(
            `  ${s.label.padEnd(22)} rate ${String(rate).padStart(5)}/s  ok ${r.successful}  failed ${r.failed}  ` +
              `achieved ${r.achieved}/s  ${r.ok ? 'PASS' : 'FAIL'}`,
          );
          if (!r.ok) break;
          best = rate;
          bestAchieved = r.achieved;
          await new Promise((res) => setTimeout(res, 300));
        }
      } finally {
        for (const t of targets) if (t.proc !== null) t.proc.kill('SIGTERM');
        await Promise.all(
          targets.map((t) =>
            t.proc === null || t.proc.exitCode !== null ? null : new Promise((r) => t.proc!.once('exit', r)),
          ),
        );
      }
      summary.push(`| ${s.label} | ${best} (${bestAchieved}/s) |`);
    }
  } finally {
    await stop(uas);
  }
  console.log('\n| setup (UDP) | highest clean step (achieved) |\n|---|---|');
  for (const l of summary) console.log(l);
}

const c = process.argv.indexOf('--child');
if (c > 0) await child(Number(process.argv[c + 1]));
else await main();
process.exit(0);
