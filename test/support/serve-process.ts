/**
 * Runs the built `vsip serve` as a child process, the way an operator would, for whole-process
 * tests (crash safety, two processes sharing PostgreSQL, the CLI against a live server).
 *
 *   const dataDir = tempDir();
 *   const account = createAccountCli(dataDir);             // `vsip accounts create --json`
 *   const vsip = await startServe({ dataDir });             // every port 0, waits for --ready-file
 *   const api = serveClient(vsip, account);                 // the SDK over real HTTP
 *   await api.trunks.create({ trunk_name: 'x' });
 *   await vsip.stop();                                      // SIGTERM, waits for exit
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VsipClient, type VsipClientOptions } from '../../src/client/index.js';

/** dist/test/support → repo root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

export interface ReadyInfo {
  api: string | null;
  sip: Array<{ side: string; protocol: string; address: string; port: number }>;
  pid: number;
  /** `--ops-port` listener, when given. */
  ops?: string | null;
}

export interface ServeProcess extends ReadyInfo {
  child: ChildProcess;
  /** Everything the process wrote, for assertions and for failure messages. */
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** Ctrl-C: SIGINT to the whole process group (needs `ownProcessGroup`), and wait for the exit code. */
  interrupt(): Promise<number | null>;
  /** SIGKILL (a crash) and wait. */
  kill(): Promise<void>;
}

export function tempDir(prefix = 'vsip-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface AccountJson {
  account_sid: string;
  api_key: string;
  api_token: string;
}

export function createAccountCli(dataDir: string, env: Record<string, string> = {}): AccountJson {
  const out = execFileSync(process.execPath, [CLI, 'accounts', 'create', '--json', '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return JSON.parse(out) as AccountJson;
}

export async function startServe(opts: {
  dataDir: string;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Its own process group, as a shell gives a foreground command, so `interrupt()` reaches its workers too. */
  ownProcessGroup?: boolean;
}): Promise<ServeProcess> {
  const readyFile = join(opts.dataDir, `ready-${process.hrtime.bigint()}.json`);
  const args = [
    CLI,
    'serve',
    '--data-dir',
    opts.dataDir,
    '--api-port',
    '0',
    '--sip-host',
    '127.0.0.1',
    '--sip-port',
    '0',
    '--sips-port',
    '0',
    '--carrier-port',
    '0',
    '--ready-file',
    readyFile,
    ...(opts.args ?? []),
  ];
  // Overload control by event-loop lag and utilisation off (a flag or `env` turns it on): on a busy
  // machine the real loop crosses those marks and a test not about overload would get a 503. The
  // per-account API budget is off too: a test making many requests crosses 200 a minute only on a
  // fast machine, so it would pass or fail by speed. Tests of the limit pass `--rate-limit`.
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      VSIP_LOG_LEVEL: 'info',
      VSIP_SIP_MAX_LAG: '0',
      VSIP_SIP_MAX_LOAD: '0',
      VSIP_RATE_LIMIT: '0',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownProcessGroup === true,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`vsip serve exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vsip serve not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  // The banner is one write made before the ready file, but we read the pipe asynchronously: a test
  // that reads it at once must not race the 'data' event.
  while (!/^vsip \S+ — store: /m.test(output)) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vsip serve wrote its ready file but no banner:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as ReadyInfo;
  return {
    ...ready,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    interrupt: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * The SDK against the API of a running `vsip serve`, over real HTTP: tests call the API the way a
 * user does. A refused request throws `VsipApiError` (its `httpStatus` is the answer's status).
 */
export function serveClient(
  serve: Pick<ReadyInfo, 'api'>,
  account: AccountJson,
  options: Partial<VsipClientOptions> = {},
): VsipClient {
  if (serve.api === null) throw new Error('this vsip serve runs no API (--role sip)');
  return new VsipClient({
    baseUrl: serve.api,
    accountSid: account.account_sid,
    apiKey: account.api_key,
    apiToken: account.api_token,
    ...options,
  });
}
