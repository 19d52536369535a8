/**
 * The media control cost of one call without SIP: a MediaAnchor opens a session (offer), answers
 * it and ends it (stats and delete), `--concurrency` calls at a time against a real rtpengine.
 * Reported: CPU per call of this process (the ng client, bencode, the facts) and of rtpengine.
 * `--trees a,b` compares builds (each a `dist` directory, e.g. of a `git worktree` at an older
 * commit) in alternating rounds on one engine, so that both see the same machine state.
 *
 *   node dist/bench/media/ng-call-cost.js [--calls 2000] [--rounds 3] [--concurrency 8] [--trees dist,/tmp/base/dist]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import { startBenchEngine } from './bench-engine.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const CALLS = Number(arg('calls', '2000'));
const ROUNDS = Number(arg('rounds', '3'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const TREES = arg('trees', 'dist').split(',');

const SDP = (port: number): string =>
  `v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 8 101\r\n` +
  'a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

interface Call {
  offer(sdp: string, from: string, to: string | null): Promise<string>;
  answer(sdp: string, offerer: string, answerer: string): Promise<string>;
  end(): Promise<unknown>;
}
interface Anchor {
  call(id: string, tag: string, side: 'pbx', leg: object): Call;
  close(): Promise<void>;
}

async function anchorOf(tree: string, port: number): Promise<Anchor> {
  const url = (f: string): string => pathToFileURL(resolve(tree, 'src/media', f)).href;
  const { MediaAnchor } = await import(url('media-anchor.js'));
  const { RtpenginePool } = await import(url('rtpengine-pool.js'));
  return new MediaAnchor(new RtpenginePool([{ host: '127.0.0.1', port, weight: 1 }]));
}

function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

async function round(anchor: Anchor, label: string, engine: LocalRtpengine, r: number): Promise<void> {
  const own0 = process.cpuUsage();
  const eng0 = procCpuUs(engine.child.pid as number);
  const t0 = Date.now();
  let next = 0;
  const leg = {
    pbxSource: '127.0.0.1',
    srtpPbx: false,
    codecs: ['PCMU', 'PCMA', 'G729'],
    srtpCarrier: false,
    carrierCodecs: [],
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) {
        const i = next++;
        const call = anchor.call(`cost-${label}-${r}-${i}`, 'pbx', 'pbx', leg);
        await call.offer(SDP(30_000), 'pbx', null);
        await call.answer(SDP(30_002), 'pbx', 'carrier');
        await call.end();
      }
    }),
  );
  const own = process.cpuUsage(own0);
  const ms = Date.now() - t0;
  console.log(
    `${label} round ${r}: ${Math.round((own.user + own.system) / CALLS)} µs/call client, ` +
      `${Math.round((procCpuUs(engine.child.pid as number) - eng0) / CALLS)} µs/call rtpengine, ` +
      `${Math.round((CALLS * 1000) / ms)} calls/s`,
  );
}

const engine = await startBenchEngine({ ports: 5000 });
try {
  const anchors = await Promise.all(TREES.map((t) => anchorOf(t, engine.ngPort)));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, a] of anchors.entries()) await round(a, TREES[i] as string, engine, r);
  }
  for (const a of anchors) await a.close();
} finally {
  await engine.stop();
}
