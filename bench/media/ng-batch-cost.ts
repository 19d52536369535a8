/**
 * What one ng command costs the sender, alone or in a batch, over UDP (what vsip uses) and over
 * rtpengine's TCP ng listener: `ping` commands to a local rtpengine in bursts of 1, 2, 4 and 8,
 * each burst waiting for its replies and then 1 ms (so the engine goes back to sleep, as between
 * a gateway's batches). Reported: this process's CPU per command. It is why the ng client sends
 * commands in batches (`NgClient`'s coalescing) and stays on UDP.
 *
 *   node dist/bench/media/ng-batch-cost.js [--commands 8000] [--rounds 1]
 *
 * (A second round's TCP series got no replies on rtpengine 10.5 — a new TCP ng connection after
 * the first was closed; not pursued, as vsip does not use TCP ng.)
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { startBenchEngine } from './bench-engine.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const COMMANDS = Number(arg('commands', '8000'));
const ROUNDS = Number(arg('rounds', '1'));
const BURSTS = [1, 2, 4, 8];

/** A free TCP port on loopback a moment ago, for the engine's TCP ng listener. */
async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const tcpPort = await freeTcpPort();
const engine = await startBenchEngine({ ports: 100, extraArgs: [`--listen-tcp-ng=127.0.0.1:${tcpPort}`] });

const udp = dgram.createSocket('udp4');
await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
await new Promise<void>((r) => udp.connect(engine.ngPort, '127.0.0.1', () => r()));
/** A fresh TCP ng connection for each TCP series: the engine may drop one left idle through the UDP series. */
let tcp: net.Socket | null = null;
async function connectTcp(): Promise<net.Socket> {
  (tcp as net.Socket | null)?.destroy();
  const s = net.connect(tcpPort, '127.0.0.1');
  s.setNoDelay(true);
  s.on('error', () => {
    /* a lost connection shows as lost replies */
  });
  s.on('data', onTcpData);
  await new Promise<void>((r) => s.once('connect', () => r()));
  carry = '';
  tcp = s;
  return s;
}

let replies = 0;
let waiting: { until: number; done: () => void } | null = null;
const replied = (n: number): void => {
  replies += n;
  if (waiting !== null && replies >= waiting.until) {
    const w = waiting;
    waiting = null;
    w.done();
  }
};
udp.on('message', () => replied(1));
// Replies on TCP arrive back to back in a stream: one `pong` per reply, which a read can cut in two.
let carry = '';
function onTcpData(d: Buffer): void {
  const text = carry + d.toString('latin1');
  let n = 0;
  let end = 0;
  for (let i = text.indexOf('pong'); i !== -1; i = text.indexOf('pong', i + 4)) {
    n++;
    end = i + 4;
  }
  carry = text.slice(Math.max(end, text.length - 3));
  replied(n);
}
let lost = 0;

/** Cookies never repeat: rtpengine answers a cookie it has seen from its reply cache (to where it first went). */
let cookies = 0;
const command = (): string => `b${(cookies++).toString(36)} d7:command4:pinge`;

async function burstRound(transport: 'udp' | 'tcp', burst: number): Promise<number> {
  replies = 0;
  let i = 0;
  const cpu0 = process.cpuUsage();
  while (i < COMMANDS) {
    // A reply lost on a busy machine must not hold the run: after 1 s the burst is counted lost.
    const answered = new Promise<void>((done) => {
      const giveUp = setTimeout(() => {
        lost += burst;
        waiting = null;
        done();
      }, 1000);
      waiting = {
        until: replies + burst,
        done: () => {
          clearTimeout(giveUp);
          done();
        },
      };
    });
    if (transport === 'udp')
      for (let k = 0; k < burst; k++) {
        udp.send(command());
        i++;
      }
    else {
      let batch = '';
      for (let k = 0; k < burst; k++) {
        batch += command();
        i++;
      }
      tcp?.write(batch);
    }
    await answered;
    await new Promise((r) => setTimeout(r, 1));
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / COMMANDS;
}

try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const transport of ['udp', 'tcp'] as const) {
      if (transport === 'tcp') await connectTcp();
      const cells = [];
      for (const burst of BURSTS) cells.push(`${burst}: ${(await burstRound(transport, burst)).toFixed(1)}`);
      console.log(`round ${round} ${transport} µs per command by burst size — ${cells.join(', ')}; lost ${lost}`);
      lost = 0;
    }
  }
} finally {
  udp.close();
  (tcp as net.Socket | null)?.destroy();
  await engine.stop();
}
