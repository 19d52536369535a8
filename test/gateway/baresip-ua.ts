import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports.js';

/** A running baresip (Debian package): a real softphone as the PBX in interop tests. */
export interface BaresipUa {
  child: ChildProcess;
  /** Its SIP port on 127.0.0.2 (UDP and TCP). */
  port: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when it has exited (its config directory is removed then). */
  exited: Promise<unknown>;
}

/**
 * Starts baresip on 127.0.0.2 with G.711 and no sound device. `account` gives its accounts-file
 * line for the chosen port; `args` are extra command-line arguments (`-t <s>` to quit, `-e <cmd>`).
 */
export async function startBaresip(account: (port: number) => string, args: string[]): Promise<BaresipUa> {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-baresip-'));
  const port = await freePort('127.0.0.2');
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.2:${port}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module_app account.so',
      'module_app menu.so',
      'audio_player nil',
      'audio_source nil',
      'audio_alert nil',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `${account(port)}\n`);
  writeFileSync(join(dir, 'contacts'), '');
  const child = spawn('stdbuf', ['-oL', '-eL', 'baresip', '-f', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r)).finally(() => rmSync(dir, { recursive: true, force: true }));
  return { child, output: () => out, port, exited };
}
