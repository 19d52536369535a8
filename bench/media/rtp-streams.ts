/**
 * bench/media part 2: N calls held up through vsip (sipp UAC → vsip → sipp UAS, anchored), then
 * 50 packets/s of PCMU from each party of each call through its rtpengine session, sent by
 * separate sender processes (rtp-sender.ts) so that the sender is not what saturates. N grows
 * until more than 0.1 % of the packets sent are not received. CPU of vsip (this process),
 * rtpengine and the senders is reported separately.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NgClient, NgDict } from '../../src/media/ng-client.js';
import { freePort } from '../../test/support/ports.js';
import { runSipp, sippCounts } from '../../test/support/sipp.js';
import { FIXTURES, uacArgs } from '../gateway/sipp-gateway.js';

export interface StreamStep {
  calls: number;
  /** Packets due in the senders' measured window (calls × 2 parties × 50/s × its length). */
  asked: number;
  sent: number;
  received: number;
  /** Sent but not received, at either end. */
  lossPct: number;
  /** The same without `senderDrops`: what rtpengine lost (the figure the 0.1 % limit applies to). */
  engineLossPct: number;
  /** Of every packet sent in the step (warm-up too), the share rtpengine never counted as arriving. */
  lostBeforeEnginePct: number;
  /** Packets the kernel dropped at the senders' own full receive queues (the senders' loss, not rtpengine's). */
  senderDrops: number;
  /** CPU over the measured window, % of one core. */
  vsipCpuPct: number;
  engineCpuPct: number;
  sendersCpuPct: number;
  /** Sender ticks that had to catch up more than one packet interval (a sender falling behind). */
  lateTicks: number;
  /** Held calls sipp counted as failed (a call that failed while RTP flowed takes its packets with it). */
  heldFailed?: number;
}

export interface StreamContext {
  remote: string;
  host: string;
  ng: NgClient;
  seconds: number;
  senders: number;
  engineCpuUs(): number;
  vsipCpuUs(): number;
}

const PPS = 50;
const SETUP_RATE = 200;

/** The port rtpengine opened facing each party of a call: the RTP stream of each tag's first medium. */
function portsOf(reply: NgDict): number[] {
  const out: number[] = [];
  const tags = reply.tags;
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return out;
  for (const t of Object.values(tags)) {
    const medias = (t as NgDict).medias;
    const m = Array.isArray(medias) ? (medias[0] as NgDict | undefined) : undefined;
    const streams = m && Array.isArray(m.streams) ? m.streams : [];
    const rtp = streams[0] as NgDict | undefined;
    if (rtp && typeof rtp['local port'] === 'number') out.push(rtp['local port']);
  }
  return out;
}

async function sessionIds(ng: NgClient, want: number): Promise<string[]> {
  const r = await ng.command({ command: 'list', limit: want + 100 });
  return Array.isArray(r.calls) ? r.calls.map(String) : [];
}

function ask(child: ChildProcess, msg: object, key: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const on = (m: Record<string, number>): void => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.once('exit', () => reject(new Error('rtp sender exited')));
    child.send(msg);
  });
}

export async function streamStep(n: number, c: StreamContext): Promise<StreamStep> {
  // Sessions left from the call-rate steps (a call sipp gave up on) are not this step's calls.
  const before = new Set(await sessionIds(c.ng, 100_000));
  const holdMs = Math.ceil((n / SETUP_RATE) * 1000) + c.seconds * 1000 + 15_000;
  const sipp = runSipp({
    args: [
      ...uacArgs({
        remote: c.remote,
        host: c.host,
        transport: 'udp',
        rate: SETUP_RATE,
        calls: n,
        localPort: await freePort(),
        timeoutS: Math.ceil(holdMs / 1000) + 60,
        scenario: join(FIXTURES, 'bench-media-hold-uac.xml'),
      }),
      '-d',
      String(holdMs),
      '-l',
      String(n),
    ],
    killAfterMs: holdMs + 90_000,
  });
  const senders: ChildProcess[] = [];
  let result: StreamStep | null = null;
  try {
    const deadline = Date.now() + holdMs - c.seconds * 1000 - 3000;
    const mine = async (): Promise<string[]> =>
      (await sessionIds(c.ng, before.size + n)).filter((id) => !before.has(id));
    let ids = await mine();
    while (ids.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${ids.length} of ${n} calls came up`);
      await new Promise((r) => setTimeout(r, 200));
      ids = await mine();
    }
    const calls: Array<[number, number]> = [];
    for (const id of ids) {
      const ports = portsOf(await c.ng.command({ command: 'query', 'call-id': id }));
      if (ports.length === 2) calls.push([ports[0] as number, ports[1] as number]);
    }
    const script = join(fileURLToPath(new URL('.', import.meta.url)), 'rtp-sender.js');
    for (let i = 0; i < c.senders; i++)
      senders.push(fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    await Promise.all(
      senders.map((s, i) =>
        ask(s, { calls: calls.filter((_, j) => j % c.senders === i), host: '127.0.0.1', pps: PPS }, 'started'),
      ),
    );
    await new Promise((r) => setTimeout(r, 1000)); // rtpengine latches each party's source
    await Promise.all(senders.map((s) => ask(s, { mark: true }, 'marked')));
    const vsip0 = c.vsipCpuUs();
    const eng0 = c.engineCpuUs();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, c.seconds * 1000));
    const windowUs = (Date.now() - t0) * 1000;
    const vsipUs = c.vsipCpuUs() - vsip0;
    const engUs = c.engineCpuUs() - eng0;
    const results = await Promise.all(senders.map((s) => ask(s, { stop: true }, 'sent')));
    const sum = (k: string): number => results.reduce((a, r) => a + (r[k] ?? 0), 0);
    const sent = sum('sent');
    const received = sum('received');
    // What rtpengine counted arriving, all the step long: loss before it (its socket buffers) or after it.
    let engineIn = 0;
    for (const id of ids) {
      const totals = (await c.ng.command({ command: 'query', 'call-id': id }).catch(() => ({}) as NgDict)).totals;
      const rtp = totals && typeof totals === 'object' && !Array.isArray(totals) ? totals.RTP : undefined;
      if (rtp && typeof rtp === 'object' && !Array.isArray(rtp) && typeof rtp.packets === 'number')
        engineIn += rtp.packets;
    }
    const sentTotal = sum('sentTotal');
    const windowMs = Math.max(...results.map((r) => r.windowMs ?? 0));
    const pct = (us: number): number => Math.round((100 * us) / windowUs);
    result = {
      calls: calls.length,
      asked: Math.round((calls.length * 2 * PPS * windowMs) / 1000),
      sent,
      received,
      lossPct: Math.round(10_000 * Math.max(0, 1 - received / Math.max(1, sent))) / 100,
      engineLossPct: Math.round(10_000 * Math.max(0, (sent - received - sum('drops')) / Math.max(1, sent))) / 100,
      senderDrops: sum('drops'),
      lostBeforeEnginePct: Math.round(10_000 * Math.max(0, 1 - engineIn / Math.max(1, sentTotal))) / 100,
      vsipCpuPct: pct(vsipUs),
      engineCpuPct: pct(engUs),
      sendersCpuPct: pct(sum('cpuUs')),
      lateTicks: sum('lateTicks'),
    };
    return result;
  } finally {
    for (const s of senders) if (s.connected) s.disconnect();
    const r = await sipp;
    const { successful, failed } = sippCounts(r.stdout);
    if (result !== null) result.heldFailed = failed;
    if (failed > 0 || successful < n) console.log(`  (held calls: ${successful} completed, ${failed} failed)`);
  }
}
