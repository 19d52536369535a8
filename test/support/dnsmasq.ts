import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { freePort } from './ports.js';
import { waitFor } from './wait-for.js';

export interface Dnsmasq {
  /** `127.0.0.1:<port>` for `--dns-server`. */
  server: string;
  close(): Promise<void>;
}

/**
 * A DNS server for one test: dnsmasq on 127.0.0.1 and a free port, answering only the records
 * given (`--srv-host=…`, `--host-record=…`, `--naptr-record=…`), nothing from upstream or /etc/hosts.
 * Resolves once it answers `probe` (a name among the records).
 */
export async function startDnsmasq(records: string[], probe: string): Promise<Dnsmasq> {
  const port = await freePort();
  // Debian installs it in /usr/sbin, which a non-root PATH may lack.
  const child = spawn(
    existsSync('/usr/sbin/dnsmasq') ? '/usr/sbin/dnsmasq' : 'dnsmasq',
    [
      '--no-daemon',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--pid-file=',
      ...records,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((res) => child.on('close', () => res()));
  const r = new Resolver({ timeout: 500, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
        return r.resolve4(probe).then(
          () => true,
          () => false,
        );
      },
      10_000,
      'dnsmasq answering',
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    server: `127.0.0.1:${port}`,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
