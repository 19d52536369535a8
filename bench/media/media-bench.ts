/**
 * The media plane's cost, on this machine, with a real rtpengine (userspace forwarding):
 *
 * 1. Calls per second: sipp UAC (PBX, 127.0.0.2) → proxy → sipp UAS (carrier), the rate stepped
 *    up, each step run in turn by every proxy mode so that they share the machine's state:
 *    vsip signalling-only, vsip anchored (offer, answer, delete per call), and — when installed —
 *    Kamailio 5.6 signalling-only and Kamailio anchored on the same rtpengine. A mode leaves the
 *    ladder after a step that fails twice in a row. Reported: the highest clean step of each, anchored as a
 *    share of signalling-only, and the CPU per call of the proxy and of rtpengine separately.
 * 2. Concurrent calls with RTP (rtp-streams.ts): N calls held through vsip, 50 packets/s from each
 *    party through rtpengine, N growing until loss > 0.1 %.
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/media/media-bench.js [--rates 250,500,1000] [--seconds 2] [--streams 100,200,400]
 *     [--senders 2] [--no-kamailio] [--engine-threads N] [--rounds 1]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import { NgClient } from '../../src/media/ng-client.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { freePort } from '../../test/support/ports.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';
import { setupTrunk, startUas, stop, uacArgs, withGateway } from '../gateway/sipp-gateway.js';
import { startBenchEngine } from './bench-engine.js';
import { findKamailio, startKamailio, type KamailioProxy } from './kamailio-proxy.js';
import { streamStep } from './rtp-streams.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const RATES = arg('rates', '250,500,1000,1500,2000,3000')
  .split(',')
  .filter((s) => s !== '' && s !== '0')
  .map(Number);
const SECONDS = Number(arg('seconds', '2'));
const STREAMS = arg('streams', '100,200,400,800')
  .split(',')
  .filter((s) => s !== '' && s !== '0')
  .map(Number);
const SENDERS = Number(arg('senders', '2'));
const ROUNDS = Number(arg('rounds', '1'));
const KAMAILIO = !process.argv.includes('--no-kamailio');
/** rtpengine worker threads; default: what `vsip serve` gives its local child. */
const ENGINE_THREADS = arg('engine-threads', '');

/** CPU (user + system) of processes so far, µs, from /proc (10 ms ticks). */
function procCpuUs(...pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* exited */
    }
  }
  return ticks * 10_000;
}

const ownCpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

interface Mode {
  name: string;
  remote: string;
  host: string;
  proxyCpuUs(): number;
  anchored: boolean;
  out: boolean;
  steps: CallStep[];
}

interface CallStep {
  rate: number;
  calls: number;
  completed: number;
  achieved: number;
  failed: number;
  proxyUsPerCall: number;
  engineUsPerCall: number;
  /** This process's V8 heap in use after the step (MB): vsip's gateways live here, so a leak shows as growth. */
  heapMB: number;
}

async function callStep(mode: Mode, rate: number, engine: LocalRtpengine): Promise<CallStep> {
  const calls = Math.round(rate * SECONDS);
  // -l: sipp's default cap on open calls scales with call duration, which would make this a latency test.
  const args = [
    ...uacArgs({
      remote: mode.remote,
      host: mode.host,
      transport: 'udp',
      rate,
      calls,
      localPort: await freePort(),
      timeoutS: SECONDS * 4 + 10,
    }),
    '-l',
    '5000',
    // A call that hears nothing for 8 s (a datagram lost on a saturated box) fails instead of holding the step.
    '-recv_timeout',
    '8000',
  ];
  const cpu0 = mode.proxyCpuUs();
  const eng0 = procCpuUs(engine.child.pid as number);
  const t0 = process.hrtime.bigint();
  const r = await runSipp({ args, killAfterMs: (SECONDS * 4 + 20) * 1000 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const { successful, failed } = sippCounts(r.stdout);
  const done = Math.max(1, successful);
  const proxyUs = mode.proxyCpuUs() - cpu0;
  const engineUs = procCpuUs(engine.child.pid as number) - eng0;
  return {
    rate,
    calls,
    completed: successful,
    achieved: Math.round(successful / secs),
    failed,
    proxyUsPerCall: Math.round(proxyUs / done),
    engineUsPerCall: Math.round(engineUs / done),
    heapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
}

/**
 * A clean step: every call completed, none failed, and at no less than 80 % of the rate asked (the
 * measured time includes sipp's start and the last call's tail, a fixed cost that weighs on short steps).
 */
const clean = (s: CallStep): boolean => s.failed === 0 && s.completed === s.calls && s.achieved >= s.rate * 0.8;

async function withStore<T>(fn: (store: Store, dataDir: string, host: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-media-bench-'));
  const store = await openStore({ databaseUrl: null, dataDir });
  try {
    return await fn(store, dataDir, await setupTrunk(store));
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function accessOf(g: Gateway): string {
  const access = g.addresses.find((a) => a.side === 'access' && a.protocol === 'udp');
  return `127.0.0.1:${access?.port}`;
}

/** Anchored as a share of signalling-only (%), per proxy of this round; printed as it goes. */
function report(modes: Mode[], round: number): Map<string, number> {
  const best = (m: Mode | undefined): CallStep | undefined => m?.steps.filter(clean).at(-1);
  const ceiling = (m: Mode): string => `${m.out ? '' : '≥ '}${best(m)?.achieved ?? 0}/s`;
  const ratios = new Map<string, number>();
  for (const [plain, anchored] of [
    [modes[0], modes[1]],
    [modes[2], modes[3]],
  ] as const) {
    if (plain === undefined || anchored === undefined) continue;
    const p = best(plain)?.achieved ?? 0;
    const a = best(anchored)?.achieved ?? 0;
    const ratio = p > 0 ? Math.round((100 * a) / p) : 0;
    ratios.set(plain.name.split(' ')[0] as string, ratio);
    console.log(
      `round ${round}: ${plain.name}: ${ceiling(plain)}, ${anchored.name}: ${ceiling(anchored)} → anchored = ` +
        `${ratio} %${plain.out ? '' : ' (signalling-only ceiling not reached)'}`,
    );
  }
  return ratios;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function main(): Promise<void> {
  // --delete-delay=0: Kamailio's rtpengine_delete sends none, and the daemon's default keeps deleted sessions
  // (and their ports) for 30 s; vsip asks for 0 in every delete.
  const engine = await startBenchEngine({
    ports: 20_000,
    extraArgs: ['--delete-delay=0'],
    ...(ENGINE_THREADS !== '' ? { threads: Number(ENGINE_THREADS) } : {}),
  });
  const ng = new NgClient({ host: '127.0.0.1', port: engine.ngPort });
  const carrierPort = await freePort();
  const uas = startUas(carrierPort, 'udp');
  let kamailio: KamailioProxy | null = null;
  try {
    await new Promise((r) => setTimeout(r, 300)); // sipp UAS binding its port
    await withStore((plainStore, plainDir, host) =>
      withStore((anchorStore, anchorDir, anchorHost) =>
        withGateway(
          plainStore,
          plainDir,
          carrierPort,
          'udp',
          (plainGw) =>
            withGateway(
              anchorStore,
              anchorDir,
              carrierPort,
              'udp',
              async (anchorGw) => {
                const modes: Mode[] = [
                  mode('vsip signalling-only', accessOf(plainGw), host, ownCpuUs, false),
                  mode('vsip anchored', accessOf(anchorGw), anchorHost, ownCpuUs, true),
                ];
                const kBinary = KAMAILIO ? findKamailio() : null;
                if (kBinary !== null) {
                  const [plainPort, anchorPort] = [await freePort(), await freePort()];
                  kamailio = await startKamailio({
                    binary: kBinary,
                    plainPort,
                    anchorPort,
                    ngPort: engine.ngPort,
                    uasPort: carrierPort,
                  });
                  const k = kamailio;
                  const kCpu = (): number => procCpuUs(...k.pids());
                  modes.push(mode('kamailio signalling-only', `127.0.0.1:${plainPort}`, host, kCpu, false));
                  modes.push(mode('kamailio anchored', `127.0.0.1:${anchorPort}`, host, kCpu, true));
                } else console.log(KAMAILIO ? 'kamailio is not installed: vsip only' : 'kamailio left out');
                // Each round climbs the whole ladder again: one ceiling swings with a burst of load on a
                // shared 2-core machine, so the ratio reported is the median of the rounds'.
                const ratios = new Map<string, number[]>();
                for (let round = 1; round <= ROUNDS && RATES.length > 0; round++) {
                  for (const m of modes) {
                    m.out = false;
                    m.steps = [];
                  }
                  for (const rate of RATES) {
                    for (const m of modes) {
                      if (m.out) continue;
                      // A failed step is run once more: on a shared machine one step can fall into a burst of load.
                      let s = await callStep(m, rate, engine);
                      console.log(`${m.name} ${JSON.stringify(s)}`);
                      if (!clean(s)) {
                        s = await callStep(m, rate, engine);
                        console.log(`${m.name} (again) ${JSON.stringify(s)}`);
                      }
                      m.steps.push(s);
                      if (!clean(s)) m.out = true;
                    }
                    if (modes.every((m) => m.out)) break;
                  }
                  for (const [proxy, r] of report(modes, round)) ratios.set(proxy, [...(ratios.get(proxy) ?? []), r]);
                }
                for (const [proxy, rs] of ratios)
                  console.log(
                    `${proxy}: anchored / signalling-only per round ${rs.join(', ')} %, median ${median(rs)} %`,
                  );
                for (const n of STREAMS) {
                  const s = await streamStep(n, {
                    remote: accessOf(anchorGw),
                    host: anchorHost,
                    ng,
                    seconds: Math.max(3, SECONDS),
                    senders: SENDERS,
                    engineCpuUs: () => procCpuUs(engine.child.pid as number),
                    vsipCpuUs: ownCpuUs,
                  });
                  console.log(`streams ${JSON.stringify(s)}`);
                  if (s.engineLossPct > 0.1) break;
                }
              },
              { sipMaxLoad: '0', sipMaxLag: '0', rtpengine: `udp:127.0.0.1:${engine.ngPort}` },
            ),
          { sipMaxLoad: '0', sipMaxLag: '0' },
        ),
      ),
    );
  } finally {
    await (kamailio as KamailioProxy | null)?.stop();
    await stop(uas);
    ng.close();
    await engine.stop();
  }
}

function mode(name: string, remote: string, host: string, proxyCpuUs: () => number, anchored: boolean): Mode {
  return { name, remote, host, proxyCpuUs, anchored, out: false, steps: [] };
}

await main();
