/**
 * The media plane's cost, on this machine, with a real rtpengine (userspace forwarding):
 *
 * 1. Calls per second: sipp UAC (PBX, 127.0.0.2) → vsip in this process → sipp UAS (carrier),
 *    stepping the rate up until a step fails, once signalling-only and once anchored (offer,
 *    answer, query, delete per call). Reported: the highest clean step of each, the ratio, and the
 *    CPU per call of vsip (this process) and of rtpengine (its /proc entry) separately.
 * 2. Concurrent calls with RTP: N sessions opened on rtpengine over ng, each with two parties
 *    sending 50 packets/s of PCMU through it for a few seconds; N doubles until loss > 0.1 %.
 *    The senders are this Node process (their own ceiling is reported when they lag).
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/media/media-bench.js [--rates 100,200,400,800] [--seconds 3] [--streams 25,50,100,200]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRtpengine, LocalRtpengine } from '../../src/media/local-rtpengine.js';
import { NgClient } from '../../src/media/ng-client.js';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../../test/support/ports.js';
import { RtpPeer, sdpTarget } from '../../test/support/anchored-rtp-peer.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';
import { setupTrunk, startUas, stop, uacArgs, withGateway } from '../gateway/sipp-gateway.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const RATES = arg('rates', '100,200,400,800').split(',').map(Number);
const SECONDS = Number(arg('seconds', '3'));
const STREAMS = arg('streams', '25,50,100,200').split(',').map(Number);

/** CPU (user + system) of a process so far, µs, from /proc (10 ms ticks). */
function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

const ownCpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

interface CallStep {
  rate: number;
  achieved: number;
  failed: number;
  vsipUsPerCall: number;
  engineUsPerCall: number;
}

async function callSteps(anchored: boolean, engine: LocalRtpengine): Promise<CallStep[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-media-bench-'));
  const store = await openStore({ databaseUrl: null, dataDir });
  const host = await setupTrunk(store);
  const carrierPort = await freePort();
  const uas = startUas(carrierPort, 'udp');
  const steps: CallStep[] = [];
  const flags: Record<string, string> = { sipMaxLoad: '0', sipMaxLag: '0' };
  if (anchored) flags.rtpengine = `udp:127.0.0.1:${engine.ngPort}`;
  try {
    await new Promise((r) => setTimeout(r, 300)); // sipp UAS binding its port
    await withGateway(
      store,
      dataDir,
      carrierPort,
      'udp',
      async (g) => {
        const access = g.addresses.find((a) => a.side === 'access' && a.protocol === 'udp');
        const remote = `127.0.0.1:${access?.port}`;
        for (const rate of RATES) {
          const calls = Math.round(rate * SECONDS);
          // -l: sipp's default cap on open calls scales with call duration, which would make this a latency test.
          const args = [
            ...uacArgs({
              remote,
              host,
              transport: 'udp',
              rate,
              calls,
              localPort: await freePort(),
              timeoutS: SECONDS * 4 + 10,
            }),
            '-l',
            '5000',
          ];
          const cpu0 = ownCpuUs();
          const eng0 = procCpuUs(engine.child.pid as number);
          const t0 = process.hrtime.bigint();
          const r = await runSipp({ args, killAfterMs: (SECONDS * 4 + 20) * 1000 });
          const secs = Number(process.hrtime.bigint() - t0) / 1e9;
          const { successful, failed } = sippCounts(r.stdout);
          const done = Math.max(1, successful);
          const s: CallStep = {
            rate,
            achieved: Math.round(successful / secs),
            failed,
            vsipUsPerCall: Math.round((ownCpuUs() - cpu0) / done),
            engineUsPerCall: Math.round((procCpuUs(engine.child.pid as number) - eng0) / done),
          };
          steps.push(s);
          console.log(`${anchored ? 'anchored' : 'signalling-only'} ${JSON.stringify(s)}`);
          if (failed !== 0 || successful < calls * 0.95) break;
        }
      },
      flags,
    );
  } finally {
    await stop(uas);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return steps;
}

interface StreamStep {
  calls: number;
  sent: number;
  received: number;
  lossPct: number;
  engineCpuPct: number;
}

/** `calls` sessions, two parties each sending 50 pps through rtpengine for SECONDS. */
async function streamStep(calls: number, engine: LocalRtpengine, ng: NgClient): Promise<StreamStep> {
  const pairs: Array<{ a: RtpPeer; b: RtpPeer; id: string }> = [];
  for (let i = 0; i < calls; i++) {
    const a = await RtpPeer.open('127.0.0.1');
    const b = await RtpPeer.open('127.0.0.1');
    const id = `bench-${calls}-${i}`;
    const off = await ng.command({
      command: 'offer',
      'call-id': id,
      'from-tag': 'a',
      sdp: a.sdp(),
      flags: ['trust-address'],
    });
    const ans = await ng.command({
      command: 'answer',
      'call-id': id,
      'from-tag': 'a',
      'to-tag': 'b',
      sdp: b.sdp(),
      flags: ['trust-address'],
    });
    a.start(sdpTarget(String(ans.sdp)));
    b.start(sdpTarget(String(off.sdp)));
    pairs.push({ a, b, id });
  }
  const eng0 = procCpuUs(engine.child.pid as number);
  const t0 = Date.now();
  for (const p of pairs) {
    p.a.sent = p.a.received = p.b.sent = p.b.received = 0;
  }
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  for (const p of pairs) {
    p.a.stop();
    p.b.stop();
  }
  await new Promise((r) => setTimeout(r, 200)); // packets in flight
  const elapsed = Date.now() - t0;
  let sent = 0;
  let received = 0;
  for (const p of pairs) {
    sent += p.a.sent + p.b.sent;
    received += p.a.received + p.b.received;
    p.a.close();
    p.b.close();
    await ng.command({ command: 'delete', 'call-id': p.id, 'delete-delay': 0 });
  }
  return {
    calls,
    sent,
    received,
    lossPct: Math.round(10_000 * Math.max(0, 1 - received / Math.max(1, sent))) / 100,
    engineCpuPct: Math.round((100 * (procCpuUs(engine.child.pid as number) - eng0)) / (elapsed * 1000)),
  };
}

async function main(): Promise<void> {
  const binary = findRtpengine();
  if (binary === null) throw new Error('rtpengine is not installed');
  const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
  const engine = await LocalRtpengine.start({ binary, interface: '127.0.0.1', portMin: base, portMax: base + 4999 });
  const ng = new NgClient({ host: '127.0.0.1', port: engine.ngPort });
  try {
    const plain = await callSteps(false, engine);
    const anchored = await callSteps(true, engine);
    const best = (s: CallStep[]): CallStep | undefined =>
      s.filter((x) => x.failed === 0 && x.achieved >= x.rate * 0.95).at(-1);
    const p = best(plain);
    const a = best(anchored);
    console.log(
      `calls/s: signalling-only ${p?.achieved ?? 0}, anchored ${a?.achieved ?? 0} ` +
        `(${p && a ? Math.round((100 * a.achieved) / p.achieved) : 0} %)`,
    );
    for (const n of STREAMS) {
      const s = await streamStep(n, engine, ng);
      console.log(`streams ${JSON.stringify(s)}`);
      if (s.lossPct > 0.1) break;
    }
  } finally {
    ng.close();
    await engine.stop();
  }
}

await main();
