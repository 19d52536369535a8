import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../support/run-in-process.js';
import { VsipClient } from '../../src/client/vsip-client.js';
import {
  createAccountCli,
  startServe,
  tempDir,
  type AccountJson,
  type ServeProcess,
} from '../support/serve-process.js';
import { rmSync } from 'node:fs';

let serve: ServeProcess;
let account: AccountJson;
let dataDir: string;
before(async () => {
  dataDir = tempDir('vsip-prompts-');
  account = createAccountCli(dataDir);
  serve = await startServe({ dataDir, env: { VSIP_LOG_LEVEL: 'warn' } });
});
after(async () => {
  await serve?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const onTerminal = (args: string[], env: Record<string, string>, answers: Array<[RegExp, string]>) =>
  runInProcess(args, env, { tty: true, answers });

test('login asks for each value on a terminal and does not echo the token', async () => {
  const env = { XDG_CONFIG_HOME: join(dataDir, 'xdg-tty') };
  const r = await onTerminal(['login'], env, [
    [/API URL.*: $/, serve.api ?? ''],
    [/Account SID: $/, account.account_sid],
    [/API key: $/, account.api_key],
    [/API token: $/, account.api_token],
  ]);
  assert.equal(r.code, 0, r.err);
  assert.ok(!r.err.includes(account.api_token), 'the typed token was echoed');
  assert.ok(!r.out.includes(account.api_token));
  assert.match(r.out, /Profile "default" saved/);
  assert.equal(statSync(join(env.XDG_CONFIG_HOME, 'vsip', 'config.json')).mode & 0o777, 0o600);

  // quickstart asks for what is missing, with the spec's trunk name as the default.
  const qs = await onTerminal(['quickstart', 'termination'], env, [
    [/Trunk name .*\[outbound_trunk\]: $/, ''],
    [/Your caller ID.*: $/, '+919800000501'],
    [/Your PBX's public IP: $/, '127.0.0.1'],
  ]);
  assert.equal(qs.code, 0, qs.err);
  assert.match(qs.out, /Step 1: Create Trunk\s+✅ \S+ \(outbound_trunk\)/);
  const sid = /✅ (\S+) \(outbound_trunk\)/.exec(qs.out)?.[1] ?? '';

  // delete asks; "n" keeps the trunk (exit 1), "y" deletes it.
  const keep = await onTerminal(['trunks', 'delete', sid], env, [[/Permanently delete trunk .*\[y\/N\]: $/, 'n']]);
  assert.equal(keep.code, 1);
  assert.match(keep.out, /Not deleted\./);
  const del = await onTerminal(['trunks', 'delete', sid], env, [[/\[y\/N\]: $/, 'y']]);
  assert.equal(del.code, 0, del.err);
  assert.match(del.out, /Deleted trunk/);
});

test('doctor shows progress on a terminal (stderr), and none with --json', async () => {
  const env = {
    VSIP_API_URL: serve.api ?? '',
    VSIP_ACCOUNT_SID: account.account_sid,
    VSIP_API_KEY: account.api_key,
    VSIP_API_TOKEN: account.api_token,
    XDG_CONFIG_HOME: join(dataDir, 'xdg-progress'),
  };
  const client = new VsipClient({
    baseUrl: serve.api ?? '',
    accountSid: account.account_sid,
    apiKey: account.api_key,
    apiToken: account.api_token,
  });
  const trunk = await client.trunks.create({ trunk_name: 'progress' });
  const sip = serve.sip.find((a) => a.side === 'access' && a.protocol === 'tcp')?.port ?? 0;
  const tls = serve.sip.find((a) => a.side === 'access' && a.protocol === 'tls')?.port ?? 0;
  const flags = ['--gateway', '127.0.0.1', '--sip-port', String(sip), '--sips-port', String(tls)];
  const r = await onTerminal(['doctor', trunk.trunk_sid, ...flags], env, []);
  assert.equal(r.code, 1, 'no number, no IP');
  assert.match(r.err, /⏳ looking up the trunk…/);
  assert.match(r.err, new RegExp(`⏳ connecting to the SIP gateway 127\\.0\\.0\\.1:${sip} \\(TCP\\)…`));
  assert.match(r.err, /⏳ TLS handshake with the SIP gateway/);
  assert.ok(r.err.endsWith('\r\x1b[2K'), 'the progress line is cleared before the report');
  assert.match(r.out, /First Successful Call Validation/);
  const quiet = await onTerminal(['doctor', trunk.trunk_sid, '--json', ...flags], env, []);
  assert.equal(quiet.err, '');
  assert.equal(JSON.parse(quiet.out).passed, false);
});
