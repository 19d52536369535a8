/**
 * What one ng command costs the sender, alone or in a batch, over UDP (what vsip uses) and over
 * rtpengine's TCP ng listener: `ping` commands to a local rtpengine in bursts of 1, 2, 4 and 8,
 * each burst waiting for its replies and then 1 ms (so the engine goes back to sleep, as between
 * a gateway's batches). Reported: this process's CPU per command. It is why the ng client sends
 * commands in batches (`NgClient`'s coalescing) and stays on UDP.
 *
 *   node dist/bench/media/ng-batch-cost.js [--commands 8000] [--rounds 2]
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { findRtpengine, LocalRtpengine } from '../../src/media/local-rtpengine.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const COMMANDS = Number(arg('commands', '8000'));
const ROUNDS = Number(arg('rounds', '2'));
const BURSTS = [1, 2, 4, 8];

/** A free TCP port on loopback a moment ago, for the engine's TCP ng listener. */
async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const binary = findRtpengine();
if (binary === null) throw new Error('rtpengine is not installed');
const tcpPort = await freeTcpPort();
const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
const engine = await LocalRtpengine.start({
  binary,
  interface: '127.0.0.1',
  portMin: base,
  portMax: base + 99,
  extraArgs: [`--listen-tcp-ng=127.0.0.1:${tcpPort}`],
});

const udp = dgram.createSocket('udp4');
await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
await new Promise<void>((r) => udp.connect(engine.ngPort, '127.0.0.1', () => r()));
const tcp = net.connect(tcpPort, '127.0.0.1');
tcp.setNoDelay(true);
await new Promise<void>((r) => tcp.once('connect', () => r()));

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
// Replies on TCP arrive back to back in a stream: one `pong` per reply.
tcp.on('data', (d: Buffer) => {
  let n = 0;
  for (let i = d.indexOf('pong'); i !== -1; i = d.indexOf('pong', i + 1)) n++;
  replied(n);
});

const command = (i: number): string => `b${i} d7:command4:pinge`;

async function burstRound(transport: 'udp' | 'tcp', burst: number): Promise<number> {
  replies = 0;
  let i = 0;
  const cpu0 = process.cpuUsage();
  while (i < COMMANDS) {
    const answered = new Promise<void>((done) => {
      waiting = { until: replies + burst, done };
    });
    if (transport === 'udp') for (let k = 0; k < burst; k++) udp.send(command(i++));
    else {
      let batch = '';
      for (let k = 0; k < burst; k++) batch += command(i++);
      tcp.write(batch);
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
      const cells = [];
      for (const burst of BURSTS) cells.push(`${burst}: ${(await burstRound(transport, burst)).toFixed(1)}`);
      console.log(`round ${round} ${transport} µs per command by burst size — ${cells.join(', ')}`);
    }
  }
} finally {
  udp.close();
  tcp.destroy();
  await engine.stop();
}
