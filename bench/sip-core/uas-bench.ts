/**
 * UAS calls per second: sipp's built-in `uac` scenario against (1) sipp's own `-sn uas` — the
 * ceiling of this machine — and (2) a UAS built on our SIP endpoint (answers INVITE with 180 + 200
 * with SDP, BYE with 200), over UDP. For each, the call rate is raised step by step until a run has
 * failed calls or does not reach 90 % of the asked rate (over the run plus 0.5 s of tail); the highest
 * clean rate is reported. Steps alternate between the two UASes so both see the same background load.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/sip-core/uas-bench.js [--rates 1000,2000,3000] [--seconds 3]
 *
 * The UAS runs in this process; the driver only waits on sipp, so it costs the UAS nothing measurable.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSipEndpoint } from '../../src/sip/sip-endpoint.js';
import { attachSimpleUas } from '../../test/support/simple-uas.js';
import { freePort } from '../../test/support/ports.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const RATES = arg('rates', '2000,4000,6000,7000,8000,9000,10000,11000,12000,14000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '3'));

interface Step {
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  achieved: number;
  ok: boolean;
}

async function measure(port: number, rate: number): Promise<Step> {
  const calls = Math.round(rate * SECONDS);
  const local = await freePort();
  const args = [
    `127.0.0.1:${port}`,
    '-sn',
    'uac',
    '-r',
    String(rate),
    '-rp',
    '1000',
    '-m',
    String(calls),
    '-i',
    '127.0.0.1',
    '-p',
    String(local),
    '-t',
    'u1',
    '-buff_size',
    '4194304',
    '-timeout',
    `${SECONDS * 4 + 10}s`,
    '-timeout_error',
  ];
  const t0 = process.hrtime.bigint();
  const r = await runSipp({ args, killAfterMs: (SECONDS * 4 + 20) * 1000 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = sippCounts(r.stdout);
  const achieved = Math.round(c.successful / wall);
  return {
    rate,
    calls,
    successful: c.successful,
    failed: c.failed,
    achieved,
    ok:
      r.code === 0 && c.failed === 0 && c.successful === calls && achieved >= rate * 0.9 * (SECONDS / (SECONDS + 0.5)),
  };
}

interface Best {
  rate: number;
  achieved: number;
  done: boolean;
}

function report(label: string, s: Step, extra = ''): void {
  console.log(
    `${label.padEnd(9)} rate ${String(s.rate).padStart(5)}/s  calls ${s.calls}  ok ${s.successful}  failed ` +
      `${s.failed}  achieved ${s.achieved}/s  ${s.ok ? 'PASS' : 'FAIL'}${extra}`,
  );
}

async function main(): Promise<void> {
  console.log(`sip-core UAS bench: sipp -sn uac over UDP, ${SECONDS} s of calls per step, rates ${RATES.join(', ')}`);
  console.log('steps alternate between the two UASes so both see the same background load');
  const sippPort = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'vsip-sipp-uas-'));
  const uas = spawn(
    'sipp',
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(sippPort), '-t', 'u1', '-buff_size', '4194304', '-nostdin'],
    { cwd, stdio: 'ignore' },
  );
  const ep = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const stats = attachSimpleUas(ep, { sdp: true });
  const ourPort = ep.addresses()[0]!.port;
  await new Promise((r) => setTimeout(r, 500));
  const sippBest: Best = { rate: 0, achieved: 0, done: false };
  const ourBest: Best = { rate: 0, achieved: 0, done: false };
  const step = async (best: Best, label: string, port: number, rate: number, extra: () => string): Promise<void> => {
    if (best.done) return;
    const s = await measure(port, rate);
    report(label, s, extra());
    if (!s.ok) best.done = true;
    else {
      best.rate = rate;
      best.achieved = Math.max(best.achieved, s.achieved);
    }
    await new Promise((r) => setTimeout(r, 1000));
  };
  try {
    for (const rate of RATES) {
      if (sippBest.done && ourBest.done) break;
      await step(sippBest, 'sipp-uas', sippPort, rate, () => '');
      await step(ourBest, 'vsip-uas', ourPort, rate, () => {
        const m = process.memoryUsage();
        return `  (live transactions ${ep.counters.activeTransactions}, heap ${(m.heapUsed / 1e6).toFixed(0)} MB)`;
      });
    }
  } finally {
    uas.kill('SIGTERM');
    await new Promise((r) => uas.once('exit', r));
    await ep.close();
  }
  console.log(
    `answered ${stats.answered} calls; request retransmissions received ${ep.counters.retransmissionsReceived}`,
  );
  const pct = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(0) : 'n/a');
  console.log(
    `RESULT highest clean step: sipp-uas ${sippBest.rate}/s, vsip-uas ${ourBest.rate}/s ` +
      `(${pct(ourBest.rate, sippBest.rate)} %)`,
  );
  console.log(
    `RESULT best achieved rate with 0 failed calls: sipp-uas ${sippBest.achieved}/s, vsip-uas ${ourBest.achieved}/s ` +
      `(${pct(ourBest.achieved, sippBest.achieved)} %)`,
  );
}

await main();
