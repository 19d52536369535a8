import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** test/fixtures/sipp, found from dist/test/gateway or test/gateway. */
export const SIPP_DIR = resolve(process.cwd(), 'test/fixtures/sipp');

export interface SippOptions {
  scenario: string;
  /** host:port to send to (UAC); omitted for a UAS. */
  remote?: string;
  localIp?: string;
  localPort?: number;
  transport?: 'udp' | 'tcp';
  keys?: Record<string, string>;
  service?: string;
  calls?: number;
  /** Calls per second (UAC); default 10. */
  rate?: number;
  /** Concurrent calls cap. */
  limit?: number;
  timeoutSeconds?: number;
  extra?: string[];
}

export interface SippResult {
  code: number | null;
  output: string;
}

/** A scenario template with `__CODE__` replaced, written to a temp file. */
export function scenarioWithCode(template: string, code: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-sipp-'));
  const file = join(dir, template.replace('.xml', `-${code}.xml`));
  writeFileSync(file, readFileSync(join(SIPP_DIR, template), 'utf8').replaceAll('__CODE__', String(code)));
  return file;
}

export function sippArgs(o: SippOptions): string[] {
  const args: string[] = [];
  if (o.remote !== undefined) args.push(o.remote);
  args.push('-sf', o.scenario.includes('/') ? o.scenario : join(SIPP_DIR, o.scenario));
  args.push('-i', o.localIp ?? '127.0.0.1', '-mi', o.localIp ?? '127.0.0.1');
  if (o.localPort !== undefined) args.push('-p', String(o.localPort));
  args.push('-t', o.transport === 'tcp' ? 't1' : 'u1');
  args.push('-m', String(o.calls ?? 1), '-r', String(o.rate ?? 10), '-nostdin');
  if (o.limit !== undefined) args.push('-l', String(o.limit));
  if (o.service !== undefined) args.push('-s', o.service);
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  args.push('-timeout', `${o.timeoutSeconds ?? 10}s`, '-timeout_error');
  args.push(...(o.extra ?? []));
  return args;
}

export interface SippProcess {
  child: ChildProcess;
  done: Promise<SippResult>;
  kill(): void;
}

export function startSipp(o: SippOptions): SippProcess {
  const child = spawn('sipp', sippArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  });
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<SippResult>((res) => child.on('close', (code) => res({ code, output })));
  return { child, done, kill: () => child.kill('SIGKILL') };
}

export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/** A port free right now on `host` for UDP and TCP (sipp UAS needs one given with -p). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((res, rej) => {
      const s = dgram.createSocket('udp4');
      s.on('error', rej);
      s.bind(0, host, () => {
        const p = s.address().port;
        s.close(() => res(p));
      });
    });
    const tcpOk = await new Promise<boolean>((res) => {
      const srv = net.createServer();
      srv.once('error', () => res(false));
      srv.listen(port, host, () => srv.close(() => res(true)));
    });
    if (tcpOk) return port;
  }
  throw new Error('no free port');
}
