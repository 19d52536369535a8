/**
 * Shared by bench/gateway and bench/overload: the sipp carrier (UAS), the PBX trunk, a gateway in
 * this process pointed at the sipp carrier, and the sipp UAC command line for one step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/config.js';
import { SERVE_OPTIONS } from '../../src/config/options.js';
import { startGateway, type Gateway } from '../../src/gateway/gateway.js';
import type { CarrierPlanSource } from '../../src/carriers/carrier-plan.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/types.js';
import { freePort } from '../../test/support/ports.js';

export const FIXTURES = resolve(process.cwd(), 'test/fixtures/sipp');
export const CALLER = '+919800000001';

export function startUas(port: number, transport: 'udp' | 'tcp'): ChildProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'vsip-bench-uas-'));
  return spawn(
    'sipp',
    [
      '-sf',
      join(FIXTURES, 'bench-uas.xml'),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      transport === 'udp' ? 'u1' : 't1',
      '-buff_size',
      '4194304',
      '-nostdin',
      '-max_socket',
      '4096',
    ],
    { cwd, stdio: 'ignore' },
  );
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

/** sipp as the PBX on 127.0.0.2: `calls` calls at `rate`/s with `scenario` (default bench-uac.xml). */
export function uacArgs(o: {
  remote: string;
  host: string;
  transport: 'udp' | 'tcp';
  rate: number;
  calls: number;
  localPort: number;
  timeoutS: number;
  scenario?: string;
}): string[] {
  return [
    o.remote,
    '-sf',
    o.scenario ?? join(FIXTURES, 'bench-uac.xml'),
    '-s',
    '+14155550100',
    '-key',
    'caller',
    CALLER,
    '-key',
    'host',
    o.host,
    '-r',
    String(o.rate),
    '-rp',
    '1000',
    '-m',
    String(o.calls),
    '-i',
    '127.0.0.2',
    '-p',
    String(o.localPort),
    '-t',
    o.transport === 'udp' ? 'u1' : 't1',
    '-buff_size',
    '4194304',
    '-max_socket',
    '4096',
    '-timeout',
    `${o.timeoutS}s`,
    '-timeout_error',
  ];
}

/**
 * A gateway on 127.0.0.1 whose carrier is the sipp UAS on `carrierPort`; `flags` are extra serve options;
 * `carrierPlan` replaces the one-carrier plan of `--carrier` (bench-carrier-plan.ts).
 */
export async function withGateway<T>(
  store: Store,
  dataDir: string,
  carrierPort: number,
  transport: 'udp' | 'tcp',
  fn: (g: Gateway, metrics: Registry) => Promise<T>,
  flags: Record<string, string> = {},
  carrierPlan?: CarrierPlanSource,
): Promise<T> {
  const config = loadConfig(
    {
      sipHost: '127.0.0.1',
      sipPort: 0,
      sipsPort: 0,
      carrierPort: 0,
      dataDir,
      logLevel: 'silent',
      carrier: `sip:127.0.0.1:${carrierPort}${transport === 'tcp' ? ';transport=tcp' : ''}`,
      ...flags,
    },
    {},
  );
  const metrics = new Registry();
  const g = await startGateway({
    store,
    config,
    logger: createLogger('silent'),
    metrics,
    ...(carrierPlan !== undefined ? { carrierPlan } : {}),
  });
  try {
    return await fn(g, metrics);
  } finally {
    await g.close();
  }
}

/**
 * One account with one trunk: the caller ID mapped, the PBX address 127.0.0.2 whitelisted. Returns the Request-URI
 * host.
 */
export async function setupTrunk(store: Store): Promise<string> {
  const { accountSid } = await store.createAccount('bench-pbx');
  const t = await store.createTrunk({
    accountSid,
    name: 'pbx',
    nsoCode: 'ANY-ANY',
    domainName: `${accountSid}.pstn.exotel.com`,
  });
  await store.addPhoneNumber(accountSid, t.sid, CALLER, 'pstn');
  await store.addWhitelistedIp(accountSid, t.sid, '127.0.0.2', 32);
  return `${accountSid}.pstn.exotel.com`;
}

/** A `vsip serve --role sip` child on the bench's store (what `--workers N` measures). */
export interface ServeChild {
  /** Access-side port for `transport`. */
  port: number;
  /** CPU (user + system) of the serve process and its workers so far, µs (from /proc). */
  cpuUs(): number;
}

/** CPU of `pid` and its direct children (cluster workers), µs; Linux /proc, clock ticks of 10 ms. */
function treeCpuUs(pid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command: state ppid … utime(14) stime(15).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid || Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10_000;
}

/**
 * `vsip serve --role sip --sip-workers <workers>` as a child process on the same SQLite data dir
 * (the bench process keeps the store open; the child reads it like a second process would),
 * carrier = the sipp UAS. `flags` are config keys (sipMaxLoad=0 → --sip-max-load 0).
 */
export async function withServeChild<T>(
  dataDir: string,
  secretKey: string,
  carrierPort: number,
  transport: 'udp' | 'tcp',
  workers: number,
  fn: (child: ServeChild) => Promise<T>,
  flags: Record<string, string> = {},
): Promise<T> {
  const [sipPort, sipsPort, carrierSidePort] = [await freePort(), await freePort(), await freePort()];
  const readyFile = join(dataDir, `ready-${process.hrtime.bigint()}.json`);
  const args = [
    resolve(process.cwd(), 'dist/src/cli/main.js'),
    'serve',
    '--role',
    'sip',
    '--sip-workers',
    String(workers),
    '--data-dir',
    dataDir,
    '--sip-host',
    '127.0.0.1',
    '--sip-port',
    String(sipPort),
    '--sips-port',
    String(sipsPort),
    '--carrier-port',
    String(carrierSidePort),
    '--carrier',
    `sip:127.0.0.1:${carrierPort}${transport === 'tcp' ? ';transport=tcp' : ''}`,
    '--ready-file',
    readyFile,
  ];
  for (const [key, value] of Object.entries(flags)) {
    const o = SERVE_OPTIONS.find((x) => x.key === key);
    if (o === undefined) throw new Error(`--serve ${key}: no such setting`);
    args.push(o.flag, value);
  }
  const child = spawn(process.execPath, args, {
    env: { ...process.env, VSIP_SECRET_KEY: secretKey, VSIP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const deadline = Date.now() + 20_000;
    while (!existsSync(readyFile)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`vsip serve --sip-workers ${workers} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const pid = child.pid as number;
    return await fn({ port: sipPort, cpuUs: () => treeCpuUs(pid) });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
