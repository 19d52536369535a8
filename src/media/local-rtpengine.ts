import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { accessSync, constants } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { NgClient } from './ng-client.js';

/** Where packages install the binary (Debian's rtpengine-daemon: /usr/bin/rtpengine). */
const DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** The executable `rtpengine`: `path` when given, else the first in the usual places; null when none is there. */
export function findRtpengine(path: string | null = null): string | null {
  for (const file of path !== null ? [path] : DIRS.map((d) => join(d, 'rtpengine'))) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

export interface LocalRtpengineOptions {
  binary: string;
  /** Address RTP is bound to and advertised in SDP. */
  interface: string;
  /** Address written in SDP when it differs from the bound one (a host behind 1:1 NAT). */
  advertise?: string | null;
  portMin: number;
  portMax: number;
  /** The child's worker threads; default `localEngineThreads()`. */
  threads?: number;
  /** How long start-up may take before we give up on the child (ms). */
  startTimeoutMs?: number;
  /** More command-line options for the child (bench/media: `--delete-delay=0` for a peer that sends none). */
  extraArgs?: readonly string[];
  /** A line of the child's stderr (for the log; the child logs there with --log-stderr). */
  onLog?: (line: string) => void;
}

/**
 * Worker threads of a local child: half the cores, at least one (rtpengine's own default is one
 * per core). The child shares the machine with vsip's event loop, and its threads wake each other
 * on every command. On the 2-core bench machine (bench/RESULTS.md "Media plane, run 3"), one
 * thread instead of two: rtpengine CPU per call set-up 20–30 % lower, anchored ceilings of
 * 760–1,229 calls/s (median 988, six ladders) instead of 783–974 (median 883, three), and the RTP
 * of 800 concurrent calls forwarded without loss either way, at 67 % of a core instead of 76 %.
 * A machine with more media than that runs its own rtpengine (`--rtpengine`).
 */
export function localEngineThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** A UDP port on 127.0.0.1 free a moment ago, for the child's ng listener. */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * `vsip serve` without `--rtpengine`: an rtpengine child in the foreground, userspace forwarding
 * (`--table=-1`: no kernel module needed), its ng listener on loopback only. Started before the
 * gateway takes calls and stopped when vsip stops.
 */
export class LocalRtpengine {
  private constructor(
    readonly child: ChildProcess,
    readonly ngPort: number,
  ) {}

  get address(): { host: string; port: number; weight: number } {
    return { host: '127.0.0.1', port: this.ngPort, weight: 1 };
  }

  static async start(o: LocalRtpengineOptions): Promise<LocalRtpengine> {
    const deadline = Date.now() + (o.startTimeoutMs ?? 10_000);
    for (let attempt = 0; ; attempt++) {
      const ngPort = await freeUdpPort();
      const iface = o.advertise ? `${o.interface}!${o.advertise}` : o.interface;
      const child = spawn(
        o.binary,
        [
          // Not the packaged /etc/rtpengine/rtpengine.conf: its fixed CLI and HTTP ports belong to the system daemon.
          '--config-file=none',
          '--foreground',
          '--log-stderr',
          '--table=-1',
          `--interface=${iface}`,
          `--listen-ng=127.0.0.1:${ngPort}`,
          `--port-min=${o.portMin}`,
          `--port-max=${o.portMax}`,
          `--num-threads=${o.threads ?? localEngineThreads()}`,
          // Warnings and errors: level 5 adds a line per call, a pipe write that wakes vsip for nothing.
          '--log-level=4',
          // Sessions vsip forgot (a crash between offer and delete) are dropped by the engine itself.
          '--final-timeout=86400',
          ...(o.extraArgs ?? []),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let exited: string | null = null;
      child.once('exit', (code, signal) => {
        exited = `exited (${signal ?? code})`;
      });
      child.once('error', (err) => {
        exited = err.message;
      });
      let tail = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-2000);
        if (o.onLog) for (const line of chunk.split('\n')) if (line.trim() !== '') o.onLog(line);
      });
      const ping = new NgClient({ host: '127.0.0.1', port: ngPort, timeoutMs: 300, retransmitMs: 100 });
      try {
        while (exited === null && Date.now() < deadline) {
          try {
            await ping.command({ command: 'ping' });
            return new LocalRtpengine(child, ngPort);
          } catch {
            /* not listening yet */
          }
        }
      } finally {
        ping.close();
      }
      child.kill('SIGKILL');
      // The ng port taken between our probe and the child's bind: one more try on another port.
      if (attempt < 2 && exited !== null && /listen|bind|address/i.test(tail) && Date.now() < deadline) continue;
      throw new Error(`rtpengine did not start: ${exited ?? 'no answer to ping'}${tail ? `\n${tail.trim()}` : ''}`);
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(t);
  }
}
