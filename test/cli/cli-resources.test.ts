import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { json, runCli } from '../support/run-cli.js';
import { freePort } from '../support/ports.js';
import { runInProcess } from '../support/run-in-process.js';

let srv: CliServer;
before(async () => {
  srv = await startCliServer();
});
after(async () => {
  await srv?.stop();
});

const vsip = (...args: string[]) => runCli(args, srv.env);

test('login saves a 0600 profile in a 0700 dir, never prints the token, and the profile is used', async () => {
  const xdg = join(srv.dataDir, 'xdg-login');
  const env = { XDG_CONFIG_HOME: xdg };
  const { account } = srv;
  const r = await runCli(
    [
      'login',
      '--api-url',
      srv.serve.api ?? '',
      '--account-sid',
      account.account_sid,
      '--api-key',
      account.api_key,
      '--api-token',
      account.api_token,
    ],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(account.api_token) && !r.stderr.includes(account.api_token), 'token printed');
  assert.match(r.stdout, new RegExp(`API key ${account.api_key}, token \\*{8}${account.api_token.slice(-4)}`));
  const file = join(xdg, 'vsip', 'config.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(xdg, 'vsip')).mode & 0o777, 0o700);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).profiles.default.api_token, account.api_token);

  // The profile alone is enough.
  const list = await runCli(['trunks', 'list', '--json'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(json(list), []);

  // The environment overrides the profile field by field: a wrong token from the env wins.
  const bad = await runCli(['trunks', 'list'], { ...env, VSIP_API_TOKEN: 'wrong-token' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^vsip: .*\(code 1010, HTTP 401/m);

  // A second named profile; wrong credentials are refused before saving.
  const refused = await runCli(
    [
      'login',
      '--profile',
      'broken',
      '--api-url',
      srv.serve.api ?? '',
      '--account-sid',
      account.account_sid,
      '--api-key',
      account.api_key,
      '--api-token',
      'nope',
    ],
    env,
  );
  assert.equal(refused.code, 1);
  assert.ok(!JSON.parse(readFileSync(file, 'utf8')).profiles.broken);
  const named = await runCli(
    [
      'login',
      '--profile',
      'staging',
      '--json',
      '--api-url',
      srv.serve.api ?? '',
      '--account-sid',
      account.account_sid,
      '--api-key',
      account.api_key,
      '--api-token',
      account.api_token,
    ],
    env,
  );
  assert.equal(named.code, 0, named.stderr);
  assert.equal(json(named).api_token, `********${account.api_token.slice(-4)}`);
  assert.equal((await runCli(['trunks', 'list', '--profile', 'staging'], env)).code, 0);
});

test('login --api-token-stdin reads the token from a pipe, verifies it and never echoes it', async () => {
  const env = { XDG_CONFIG_HOME: join(srv.dataDir, 'xdg-stdin') };
  const { account } = srv;
  const base = [
    'login',
    '--api-url',
    srv.serve.api ?? '',
    '--account-sid',
    account.account_sid,
    '--api-key',
    account.api_key,
    '--api-token-stdin',
  ];
  const r = await runCli(base, env, { input: `${account.api_token}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(account.api_token) && !r.stderr.includes(account.api_token), 'token printed');
  assert.equal(
    JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME, 'vsip', 'config.json'), 'utf8')).profiles.default.api_token,
    account.api_token,
  );
  const wrong = await runCli(base, env, { input: 'not-the-token\n' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /code 1010, HTTP 401/);
  const empty = await runCli(base, env, { input: '' });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /--api-token-stdin: standard input was empty/);
  const both = await runCli([...base, '--api-token', account.api_token], env, { input: account.api_token });
  assert.match(both.stderr, /not both/);
});

test('without a profile or env the commands say how to log in; login without a TTY names missing flags', async () => {
  const env = { XDG_CONFIG_HOME: join(srv.dataDir, 'xdg-empty') };
  const r = await runCli(['trunks', 'list'], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not logged in .*vsip login/);
  const l = await runCli(['login', '--api-url', 'http://127.0.0.1:1'], env);
  assert.equal(l.code, 1);
  assert.match(
    l.stderr,
    new RegExp(
      'missing --account-sid, --api-key, --api-token \\(stdin is not a terminal, so vsip cannot ask; ' +
        'pipe the token with --api-token-stdin\\)',
    ),
  );
});

test('trunks: create, list, show, update, delete (confirmation unless --yes), human and --json', async () => {
  const created = await vsip('trunks', 'create', 'res_trunk');
  assert.equal(created.code, 0, created.stderr);
  const sid = /Created trunk (\S+)/.exec(created.stdout)?.[1] ?? '';
  assert.match(created.stdout, /Domain\s+\S+\.pstn\.exotel\.com/);
  assert.match(created.stdout, /NSO code\s+ANY-ANY/);

  const listed = await vsip('trunks', 'list');
  assert.match(listed.stdout, /^TRUNK SID\s+NAME\s+STATUS\s+DOMAIN\s+CREATED$/m);
  assert.match(listed.stdout, new RegExp(`^${sid}\\s+res_trunk\\s+active`, 'm'));
  const listedJson = json(await vsip('trunks', 'list', '--json'));
  assert.ok(listedJson.some((t: { trunk_sid: string }) => t.trunk_sid === sid));

  const shown = json(await vsip('trunks', 'show', sid, '--json'));
  assert.equal(shown.trunk_name, 'res_trunk');
  assert.equal(shown.domain_name, `${srv.account.account_sid}.pstn.exotel.com`);

  const updated = await vsip('trunks', 'update', sid, '--status', 'inactive', '--registration', 'on', '--json');
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal(json(updated).status, 'inactive');
  assert.equal(json(updated).registration_enabled, true);
  const nothing = await vsip('trunks', 'update', sid);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /nothing to update/);

  const dup = await vsip('trunks', 'create', 'res_trunk');
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /code 1002, HTTP 409/);
  const invalid = await vsip('trunks', 'create', 'has-dash');
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /trunk_name.*code 1000, HTTP 400/);

  const refused = await vsip('trunks', 'delete', sid);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refusing to delete trunk .* stdin is not a terminal; pass --yes/);
  assert.equal((await vsip('trunks', 'show', sid)).code, 0, 'not deleted without --yes');
  const deleted = await vsip('trunks', 'delete', sid, '--yes');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /Deleted trunk/);
  const other = json(await vsip('trunks', 'create', 'res_trunk2', '--json')).trunk_sid as string;
  assert.deepEqual(json(await vsip('trunks', 'delete', other, '--yes', '--json')), { trunk_sid: other, deleted: true });
  const gone = await vsip('trunks', 'show', sid);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no trunk \S+ in account .*\(code 1003, HTTP 404/);
});

test('numbers, ips, destinations: add, list, update, remove', async () => {
  const sid = json(await vsip('trunks', 'create', 'sub_trunk', '--json')).trunk_sid as string;

  const n = await vsip('numbers', 'add', sid, '+919800000011');
  assert.equal(n.code, 0, n.stderr);
  assert.match(n.stdout, /Mapped \+919800000011 to trunk/);
  assert.match((await vsip('numbers', 'list', sid)).stdout, /^1\s+\+919800000011\s+pstn/m);
  assert.equal(json(await vsip('numbers', 'update', sid, '+919800000011', '--mode', 'flow', '--json')).mode, 'flow');
  const badNumber = await vsip('numbers', 'add', sid, '12345');
  assert.equal(badNumber.code, 1);
  assert.match(badNumber.stderr, /phone_number/);
  const second = json(await vsip('numbers', 'add', sid, '+919800000012', '--json'));
  assert.deepEqual([second.phone_number, second.mode], ['+919800000012', 'pstn']);
  assert.deepEqual(json(await vsip('numbers', 'remove', sid, second.id, '--json')), { id: second.id, deleted: true });
  assert.equal((await vsip('numbers', 'remove', sid, '+919800000011')).code, 0);
  assert.deepEqual(json(await vsip('numbers', 'list', sid, '--json')), []);
  assert.match((await vsip('numbers', 'list', sid)).stdout, /No phone numbers mapped/);

  assert.equal((await vsip('ips', 'add', sid, '203.0.113.0/24')).code, 0);
  const ipJson = json(await vsip('ips', 'add', sid, '127.0.0.2', '--json'));
  assert.deepEqual([ipJson.ip, ipJson.mask], ['127.0.0.2', 32]);
  assert.match((await vsip('ips', 'list', sid)).stdout, /203\.0\.113\.0\/24/);
  assert.equal(json(await vsip('ips', 'update', sid, ipJson.id, '--mask', '31', '--json')).mask, 31);
  assert.equal((await vsip('ips', 'remove', sid, '203.0.113.0/24')).code, 0);
  assert.equal(json(await vsip('ips', 'list', sid, '--json')).length, 1);

  const d = await vsip(
    'destinations',
    'add',
    sid,
    '127.0.0.1:5061;transport=tls',
    'pbx.example.com:5060;transport=tcp',
    '--priority',
    '2',
  );
  assert.equal(d.code, 0, d.stderr);
  assert.equal((d.stdout.match(/Added destination/g) ?? []).length, 2);
  const partial = await vsip('destinations', 'add', sid, '127.0.0.9:5060;transport=tcp', 'not a uri');
  assert.equal(partial.code, 1, 'partial failure is a failure');
  assert.match(partial.stdout, /Added destination 127\.0\.0\.9/);
  assert.match(partial.stderr, /destination/);
  const bulk = json(await vsip('destinations', 'add', sid, '127.0.0.8:5060;transport=tcp', '--json'));
  assert.equal(bulk[0].status, 'success', "the API's per-item answer, as sent");
  assert.equal(bulk[0].data.destination, '127.0.0.8:5060;transport=tcp');
  assert.equal((await vsip('destinations', 'remove', sid, bulk[0].data.id)).code, 0);
  const dests = json(await vsip('destinations', 'list', sid, '--json'));
  assert.equal(dests.length, 3);
  assert.equal(dests[0].priority, 2);
  assert.equal(
    json(await vsip('destinations', 'update', sid, 'pbx.example.com:5060;transport=tcp', '--weight', '5', '--json'))
      .weight,
    5,
  );
  assert.equal((await vsip('destinations', 'remove', sid, '127.0.0.9:5060;transport=tcp')).code, 0);
  assert.match((await vsip('destinations', 'list', sid)).stdout, /^ID\s+DESTINATION\s+PRIORITY\s+WEIGHT/m);

  const paged = json(await vsip('destinations', 'list', sid, '--page-size', '1', '--json'));
  assert.equal(paged.length, 1, 'one page when asked for one');
});

test('credentials show/rotate and alias set/show/clear', async () => {
  const sid = json(await vsip('trunks', 'create', 'cred_trunk', '--json')).trunk_sid as string;
  const shown = await vsip('credentials', 'show', sid);
  assert.match(shown.stdout, new RegExp(`^Username\\s+${sid}$`, 'm'));
  const before = json(await vsip('credentials', 'show', sid, '--json'));
  assert.equal(before.username, sid);
  assert.ok(before.password.length >= 16);
  assert.equal((await vsip('credentials', 'rotate', sid)).code, 1, 'rotate needs --yes without a TTY');
  const rotated = json(await vsip('credentials', 'rotate', sid, '--yes', '--json'));
  assert.notEqual(rotated.password, before.password);
  assert.equal(json(await vsip('credentials', 'show', sid, '--json')).password, rotated.password);

  assert.match((await vsip('alias', 'show', sid)).stdout, /No alias set/);
  assert.match((await vsip('alias', 'set', sid, '+919800000099')).stdout, /presents \+919800000099/);
  assert.equal((await vsip('alias', 'show', sid)).stdout.trim(), '+919800000099');
  assert.deepEqual(json(await vsip('alias', 'show', sid, '--json')), {
    name: 'trunk_external_alias',
    value: '+919800000099',
  });
  assert.equal((await vsip('alias', 'clear', sid)).code, 0);
  assert.equal(json(await vsip('alias', 'show', sid, '--json')).value, null);
});

test('an unreachable API is a clear error, exit 1', async () => {
  const port = await freePort();
  const r = await runCli(['trunks', 'list'], { ...srv.env, VSIP_API_URL: `http://127.0.0.1:${port}` });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot reach the vSIP API at http://127\\.0\\.0\\.1:${port}: connection refused`));
});

test('--help of the program and of every command shows an example', async () => {
  // The binary itself for the program and two commands; in-process for the rest (same code, no start-up cost each).
  const top = await vsip('--help');
  assert.match(top.stdout, /vsip quickstart termination/);
  for (const c of ['doctor', 'trunks delete'])
    assert.match((await vsip(...c.split(' '), '--help')).stdout, /Examples?:\n\s+\$ vsip /, c);
  const commands = [
    'login',
    'quickstart',
    'trunks',
    'trunks create',
    'trunks list',
    'trunks show',
    'trunks update',
    'trunks delete',
    'numbers',
    'numbers add',
    'numbers list',
    'numbers update',
    'numbers remove',
    'ips',
    'ips add',
    'ips list',
    'ips update',
    'ips remove',
    'destinations',
    'destinations add',
    'destinations list',
    'destinations update',
    'destinations remove',
    'credentials',
    'credentials show',
    'credentials rotate',
    'alias',
    'alias set',
    'alias show',
    'alias clear',
    'calls',
    'webhooks',
    'webhooks create',
    'webhooks list',
    'webhooks delete',
    'webhooks deliveries',
    'webhooks redeliver',
    'doctor',
    'explain',
    'completion',
  ];
  for (const c of commands) {
    const r = await runInProcess([...c.split(' '), '--help'], srv.env);
    assert.equal(r.code, 0, `${c}: ${r.err}`);
    assert.match(r.out, /Examples?:\n\s+\$ vsip /, `${c} --help has no example`);
  }
});
