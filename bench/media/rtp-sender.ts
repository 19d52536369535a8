/**
 * One RTP sender process of bench/media (started with `fork`): both parties of many calls, each
 * side one UDP socket for all its calls (rtpengine latches each call's return path to the socket
 * that sends to it, RFC 4961 symmetric RTP), 50 packets/s of PCMU per party and call. One timer
 * for all calls sends every packet due since the last tick, so a late tick catches up instead of
 * lowering the rate; the parent sums sent/received of several such processes.
 *
 * Messages from the parent: `{ calls: [[portFacingA, portFacingB], …], host, pps }` opens the
 * sockets and starts sending; `{ mark: true }` starts the measured window (after warm-up: packets
 * sent before rtpengine latched a party's source went to the SDP address); `{ stop: true }` stops
 * sending, waits until nothing more arrives and answers with the counts and this process's CPU.
 * Only packets sent inside the window are counted at either end (the first payload byte says so),
 * so a backlog queued before the mark and delivered after it is not mistaken for traffic.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

interface Start {
  calls: Array<[number, number]>;
  host: string;
  pps: number;
}

type Msg = Start | { mark: true } | { stop: true };

function lookupLiteral(
  address: string,
  family: number,
  callback: (err: Error | null, address: string, family: number) => void,
): void {
  callback(null, address, isIP(address) || family);
}

async function openSocket(host: string, onPacket: (m: Buffer) => void): Promise<dgram.Socket> {
  const s = dgram.createSocket({
    type: 'udp4',
    lookup: lookupLiteral as dgram.SocketOptions['lookup'],
    recvBufferSize: 8 << 20,
    sendBufferSize: 8 << 20,
  });
  s.on('message', onPacket);
  s.on('error', () => {});
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  return s;
}

/** Datagrams dropped at these sockets' full receive queues (/proc/net/udp `drops`): ours, not rtpengine's. */
function receiveDrops(ports: number[]): number {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const port = Number.parseInt((f[1] ?? '').split(':')[1] ?? '', 16);
    if (ports.includes(port)) drops += Number(f.at(-1));
  }
  return drops;
}

const cpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

let sent = 0;
let sentTotal = 0;
let markedAt = 0;
let received = 0;
let lastArrival = 0;
/** Payload byte 0 of packets sent inside the measured window. */
let phase = 0;
const onPacket = (m: Buffer): void => {
  lastArrival = Date.now();
  if (m.length > 12 && m[12] === 1) received++;
};
let lateTicks = 0;
let cpu0 = cpuUs();
let timer: NodeJS.Timeout | null = null;
let sockets: dgram.Socket[] = [];

function start(m: Start): Promise<void> {
  return (async () => {
    const a = await openSocket(m.host, onPacket);
    const b = await openSocket(m.host, onPacket);
    sockets = [a, b];
    const seq = new Uint32Array(m.calls.length);
    const t0 = Date.now();
    let ticks = 0;
    const packet = (i: number, ssrc: number): Buffer => {
      const p = Buffer.allocUnsafe(12 + 160);
      p[0] = 0x80;
      p[1] = 0; // PCMU (RFC 3551)
      p.writeUInt16BE((seq[i] as number) & 0xffff, 2);
      p.writeUInt32BE(((seq[i] as number) * 160) >>> 0, 4);
      p.writeUInt32BE(ssrc >>> 0, 8);
      p.fill(0xff, 12);
      p[12] = phase;
      return p;
    };
    const tick = (): void => {
      const due = Math.floor(((Date.now() - t0) * m.pps) / 1000) - ticks;
      if (due > 1) lateTicks++;
      for (let d = 0; d < due; d++, ticks++) {
        for (let i = 0; i < m.calls.length; i++) {
          const [toA, toB] = m.calls[i] as [number, number];
          a.send(packet(i, 2 * i + 1), toA, m.host);
          b.send(packet(i, 2 * i + 2), toB, m.host);
          seq[i] = (seq[i] as number) + 1;
          if (phase === 1) sent += 2;
          sentTotal += 2;
        }
      }
    };
    timer = setInterval(tick, Math.max(1, Math.floor(1000 / m.pps)));
  })();
}

process.on('message', (m: Msg) => {
  if ('calls' in m) {
    void start(m).then(() => process.send?.({ started: true }));
  } else if ('mark' in m) {
    sent = 0;
    received = 0;
    lateTicks = 0;
    phase = 1;
    markedAt = Date.now();
    cpu0 = cpuUs();
    process.send?.({ marked: true });
  } else if ('stop' in m) {
    if (timer !== null) clearInterval(timer);
    const cpu = cpuUs() - cpu0;
    const windowMs = Date.now() - markedAt;
    // Packets in flight (or queued in a busy rtpengine) still count: wait until 500 ms pass without one, 10 s at most.
    const end = Date.now() + 10_000;
    const drained = setInterval(() => {
      if (Date.now() - lastArrival < 500 && Date.now() < end) return;
      clearInterval(drained);
      const drops = receiveDrops(sockets.map((x) => x.address().port));
      process.send?.({ sent, sentTotal, received, lateTicks, cpuUs: cpu, windowMs, drops });
      for (const s of sockets) s.close();
      process.disconnect?.();
    }, 100);
  }
});
