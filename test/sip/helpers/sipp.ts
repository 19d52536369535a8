import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port free for both UDP and TCP on 127.0.0.1 (sipp needs its own `-p`). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => {
      try {
        udp.close(() => r());
      } catch {
        r();
      }
    });
    if (ok) return port;
  }
  throw new Error('no free port');
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs sipp to completion in a scratch directory (so its log files never land in the repo). */
export async function runSipp(args: string[], timeoutMs = 60_000): Promise<SippResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'vsip-sipp-'));
  const child = spawn('sipp', [...args, '-nostdin'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Successful and failed call counts from sipp's final screen. */
export function sippCounts(out: string): { successful: number; failed: number } {
  const s = /Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(out);
  const f = /Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(out);
  return { successful: Number(s?.[1] ?? -1), failed: Number(f?.[1] ?? -1) };
}
