/**
 * Shared by bench/gateway and bench/overload: the sipp carrier (UAS), the PBX trunk, a gateway in
 * this process pointed at the sipp carrier, and the sipp UAC command line for one step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/config.js';
import { startGateway, type Gateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/types.js';

export const FIXTURES = resolve(process.cwd(), 'test/fixtures/sipp');
export const CALLER = '+919800000001';

export function startUas(port: number, transport: 'udp' | 'tcp'): ChildProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'vsip-bench-uas-'));
  return spawn('sipp', ['-sf', join(FIXTURES, 'bench-uas.xml'), '-i', '127.0.0.1', '-p', String(port), '-t', transport === 'udp' ? 'u1' : 't1', '-buff_size', '4194304', '-nostdin', '-max_socket', '4096'], { cwd, stdio: 'ignore' });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

/** sipp as the PBX on 127.0.0.2: `calls` calls at `rate`/s with `scenario` (default bench-uac.xml). */
export function uacArgs(o: { remote: string; host: string; transport: 'udp' | 'tcp'; rate: number; calls: number; localPort: number; timeoutS: number; scenario?: string }): string[] {
  return [
    o.remote, '-sf', o.scenario ?? join(FIXTURES, 'bench-uac.xml'), '-s', '+14155550100', '-key', 'caller', CALLER, '-key', 'host', o.host,
    '-r', String(o.rate), '-rp', '1000', '-m', String(o.calls), '-i', '127.0.0.2', '-p', String(o.localPort), '-t', o.transport === 'udp' ? 'u1' : 't1',
    '-buff_size', '4194304', '-max_socket', '4096', '-timeout', `${o.timeoutS}s`, '-timeout_error',
  ];
}

/** A gateway on 127.0.0.1 whose carrier is the sipp UAS on `carrierPort`; `flags` are extra serve options. */
export async function withGateway<T>(store: Store, dataDir: string, carrierPort: number, transport: 'udp' | 'tcp', fn: (g: Gateway, metrics: Registry) => Promise<T>, flags: Record<string, string> = {}): Promise<T> {
  const config = loadConfig(
    { sipHost: '127.0.0.1', sipPort: 0, sipsPort: 0, carrierPort: 0, dataDir, logLevel: 'silent', carrier: `sip:127.0.0.1:${carrierPort}${transport === 'tcp' ? ';transport=tcp' : ''}`, ...flags },
    {},
  );
  const metrics = new Registry();
  const g = await startGateway({ store, config, logger: createLogger('silent'), metrics });
  try {
    return await fn(g, metrics);
  } finally {
    await g.close();
  }
}

/** One account with one trunk: the caller ID mapped, the PBX address 127.0.0.2 whitelisted. Returns the Request-URI host. */
export async function setupTrunk(store: Store): Promise<string> {
  const { accountSid } = await store.createAccount('bench-pbx');
  const t = await store.createTrunk({ accountSid, name: 'pbx', nsoCode: 'ANY-ANY', domainName: `${accountSid}.pstn.exotel.com` });
  await store.addPhoneNumber(accountSid, t.sid, CALLER, 'pstn');
  await store.addWhitelistedIp(accountSid, t.sid, '127.0.0.2', 32);
  return `${accountSid}.pstn.exotel.com`;
}
