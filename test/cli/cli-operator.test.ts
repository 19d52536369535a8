/**
 * The operator CLI against a real `vsip serve` (log level trace): `vsip operator-token create`
 * on the store, then `vsip operator accounts|carriers|routes …` through the API with
 * VSIP_OPERATOR_TOKEN. Afterwards every byte the server wrote and the SQLite files are searched
 * for the operator token, the carrier password and the accounts' API tokens: none may appear.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { json, runCli } from '../support/run-cli.js';
import { createAccountCli, startServe, tempDir, type ServeProcess } from '../support/serve-process.js';

const PASSWORD = 'Op3rator-Carrier-Secret-77';
let dataDir: string;
let serve: ServeProcess;
let env: Record<string, string>;

before(async () => {
  dataDir = tempDir('vsip-cli-op-');
  createAccountCli(dataDir);
  serve = await startServe({ dataDir, env: { VSIP_LOG_LEVEL: 'trace' } });
});
after(async () => {
  await serve.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const vsip = (args: string[], input?: string) => runCli(args, env, input === undefined ? {} : { input });

test('operator CLI: token, accounts, carriers, routes; no secret in the logs or the database', async () => {
  const minted = await runCli(['operator-token', 'create', '--json', '--data-dir', dataDir], {});
  assert.equal(minted.code, 0, minted.stderr);
  const token = json<{ operator_token: string }>(minted).operator_token;
  env = { VSIP_API_URL: serve.api ?? '', VSIP_OPERATOR_TOKEN: token, XDG_CONFIG_HOME: join(dataDir, 'xdg') };

  const noToken = await runCli(['operator', 'accounts', 'list'], { VSIP_API_URL: serve.api ?? '' });
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /VSIP_OPERATOR_TOKEN/);

  const created = await vsip(['operator', 'accounts', 'create', 'acme', '--json']);
  assert.equal(created.code, 0, created.stderr);
  const acct = json<{ account_sid: string; api_key: string; api_token: string }>(created);
  const list = await vsip(['operator', 'accounts', 'list', '--json']);
  assert.ok(json<Array<{ account_sid: string }>>(list).some((a) => a.account_sid === acct.account_sid));
  assert.ok(!list.stdout.includes(acct.api_token));

  const accountEnv = {
    VSIP_API_URL: serve.api ?? '',
    VSIP_ACCOUNT_SID: acct.account_sid,
    VSIP_API_KEY: acct.api_key,
    VSIP_API_TOKEN: acct.api_token,
    XDG_CONFIG_HOME: join(dataDir, 'xdg'),
  };
  assert.equal((await runCli(['trunks', 'list'], accountEnv)).code, 0);
  assert.equal((await vsip(['operator', 'accounts', 'suspend', acct.account_sid])).code, 0);
  const refused = await runCli(['trunks', 'list'], accountEnv);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /suspended.*code 1016, HTTP 403/);
  const resumed = await vsip(['operator', 'accounts', 'resume', acct.account_sid]);
  assert.match(resumed.stdout, /is active/);
  assert.equal((await runCli(['trunks', 'list'], accountEnv)).code, 0);

  const carrier = await vsip(
    [
      'operator',
      'carriers',
      'create',
      'alpha',
      '--uri',
      'sip:192.0.2.10:5060;transport=udp,1,10',
      '--uri',
      'sip:192.0.2.11',
      '--username',
      'acct1',
      '--password-stdin',
      '--source',
      '192.0.2.0/24',
      '--codec',
      'PCMA',
      '--probe',
      'on',
      '--json',
    ],
    `${PASSWORD}\n`,
  );
  assert.equal(carrier.code, 0, carrier.stderr);
  const c = json<{ carrier_sid: string; uris: Array<{ uri: string; weight: number }>; codecs: string[] }>(carrier);
  assert.deepEqual(
    c.uris.map((u) => [u.uri, u.weight]),
    [
      ['sip:192.0.2.10:5060;transport=udp', 10],
      ['sip:192.0.2.11', 1],
    ],
  );
  assert.deepEqual(c.codecs, ['PCMA']);
  const bad = await vsip(['operator', 'carriers', 'create', 'beta', '--uri', 'http://nope']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /uris\[0\]\.uri: .*code 1000/);

  const route = await vsip(['operator', 'routes', 'create', '91', '--carrier', c.carrier_sid, '--json']);
  assert.equal(route.code, 0, route.stderr);
  const routeSid = json<{ route_sid: string }>(route).route_sid;
  const table = await vsip(['operator', 'routes', 'list']);
  assert.match(table.stdout, new RegExp(`${routeSid}\\s+91\\s+${c.carrier_sid}:1/1`));
  const inUse = await vsip(['operator', 'carriers', 'delete', c.carrier_sid, '--yes']);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /code 1042, HTTP 409/);
  const noYes = await vsip(['operator', 'routes', 'delete', routeSid]);
  assert.equal(noYes.code, 1, 'no confirmation on a pipe');
  assert.equal((await vsip(['operator', 'routes', 'delete', routeSid, '--yes'])).code, 0);
  const shown = await vsip(['operator', 'carriers', 'show', c.carrier_sid]);
  assert.match(shown.stdout, /acct1 \(password set\)/);
  assert.equal((await vsip(['operator', 'carriers', 'delete', c.carrier_sid, '--yes'])).code, 0);

  const rotated = await vsip(['operator', 'accounts', 'rotate-token', acct.account_sid, '--json']);
  const fresh = json<{ api_token: string }>(rotated).api_token;
  assert.equal((await runCli(['trunks', 'list'], accountEnv)).code, 1, 'the old token stopped');
  assert.equal((await vsip(['operator', 'accounts', 'delete', acct.account_sid, '--yes'])).code, 0);
  assert.equal((await runCli(['trunks', 'list'], { ...accountEnv, VSIP_API_TOKEN: fresh })).code, 1);

  // Secrets: the server's output at trace level and the database files.
  const secrets: Record<string, string> = {
    'operator token': token,
    'carrier password': PASSWORD,
    'API token': acct.api_token,
    'rotated API token': fresh,
  };
  const output = serve.output();
  assert.ok(output.includes('/v2/operator/carriers'), 'the scan sees operator requests');
  for (const [label, value] of Object.entries(secrets)) assert.ok(!output.includes(value), `${label} in the logs`);
  const dbFiles = readdirSync(dataDir).filter((f) => /\.(db|sqlite|sqlite3)(-wal|-shm|-journal)?$/.test(f));
  assert.ok(dbFiles.length > 0, 'the scan sees the database');
  for (const file of dbFiles) {
    const bytes = readFileSync(join(dataDir, file));
    for (const [label, value] of Object.entries(secrets)) assert.ok(!bytes.includes(value), `${label} in ${file}`);
  }
});
