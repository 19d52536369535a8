import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** test/fixtures/sipp (tests run from the repository root). */
export const SIPP_DIR = resolve(process.cwd(), 'test/fixtures/sipp');

/** One sipp run: a scenario and its peers, or the whole command line in `args`. */
export interface SippOptions {
  /** A file in test/fixtures/sipp or a path; unused with `args`. */
  scenario?: string;
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
  /** The sipp command line instead of one built from the fields above (built-in scenarios, benches). */
  args?: string[];
  /** sipp is killed after this long if it has not exited (default: its own timeout + 30 s). */
  killAfterMs?: number;
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came (the last 100 KB or more), for failure messages. */
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
  if (o.args !== undefined) return [...o.args, '-nostdin'];
  if (o.scenario === undefined) throw new Error('sipp: a scenario or args');
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

/** Starts sipp in a scratch directory (so its log files never land in the repo). */
export function startSipp(o: SippOptions): SippProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'vsip-sipp-'));
  const child = spawn('sipp', sippArgs(o), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  const add = (d: Buffer): void => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    add(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    add(d);
  });
  const killAfter = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? ((o.timeoutSeconds ?? 10) + 30) * 1000);
  const done = new Promise<SippResult>((res) =>
    child.on('close', (code) => {
      clearTimeout(killAfter);
      res({ code, stdout, stderr, output });
    }),
  );
  return { child, done, kill: () => child.kill('SIGKILL') };
}

export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/** Successful and failed call counts from sipp's final screen. */
export function sippCounts(out: string): { successful: number; failed: number } {
  const s = /Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(out);
  const f = /Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(out);
  return { successful: Number(s?.[1] ?? -1), failed: Number(f?.[1] ?? -1) };
}
