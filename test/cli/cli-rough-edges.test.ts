import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiFixture, type ApiFixture } from '../api/api-fixture.js';
import { cliEnv } from '../support/cli-env.js';
import { runCli } from '../support/run-cli.js';
import { CLI } from '../support/serve-process.js';

describe('CLI rough edges', () => {
  let f: ApiFixture;
  let env: Record<string, string>;
  before(async () => {
    f = await apiFixture('sqlite');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    env = cliEnv(f);
  });
  after(() => f.close());

  test('a reader that goes away (| head) ends the CLI quietly, not with an EPIPE stack', async () => {
    const child = spawn(process.execPath, [CLI, 'explain', 'codes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Gone before the CLI has started: its first write finds no reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('--json: an API error is one JSON object on stderr; stdout stays empty', async () => {
    const r = await runCli(['trunks', 'show', 'TR00000000000000000000000000000000', '--json'], env);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const err = JSON.parse(r.stderr) as { error: { code: number; http_status: number; message: string } };
    assert.equal(err.error.http_status, 404);
    assert.equal(err.error.code, 1003);
    assert.ok(err.error.message.length > 0);
    const plain = await runCli(['trunks', 'show', 'TR00000000000000000000000000000000'], env);
    assert.match(plain.stderr, /^vsip: .*\(code 1003, HTTP 404/);
  });

  test('--json: a local error (no credentials) is JSON too', async () => {
    const r = await runCli(['trunks', 'list', '--json'], { HOME: '/nonexistent-home' });
    assert.equal(r.code, 1);
    const err = JSON.parse(r.stderr) as { error: { message: string; code: null } };
    assert.equal(err.error.code, null);
    assert.ok(err.error.message.length > 0);
  });
});

describe('vsip accounts outside a data dir', () => {
  test('list and rotate-token refuse to make a new empty store; create says it makes one', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vsip-acc-')), 'data');
    const list = await runCli(['accounts', 'list', '--data-dir', dir], {});
    assert.equal(list.code, 1);
    assert.match(list.stderr, /no vsip store at .*vsip\.db: run this where vsip serve runs, or pass its --data-dir/);
    const rotate = await runCli(['accounts', 'rotate-token', 'AC1', '--data-dir', dir], {});
    assert.equal(rotate.code, 1);
    assert.ok(!existsSync(join(dir, 'vsip.db')), 'no store was created');

    const create = await runCli(['accounts', 'create', '--json', '--data-dir', dir], {});
    assert.equal(create.code, 0);
    assert.match(create.stderr, /no store at .* yet: creating a new one/);
    const sid = (JSON.parse(create.stdout) as { account_sid: string }).account_sid;
    const again = await runCli(['accounts', 'list', '--data-dir', dir], {});
    assert.equal(again.code, 0);
    assert.match(again.stdout, new RegExp(sid), 'the SID can be found again later');
  });
});

describe('wide whitelists', () => {
  let f: ApiFixture;
  let env: Record<string, string>;
  before(async () => {
    f = await apiFixture('sqlite');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    env = cliEnv(f);
  });
  after(() => f.close());

  test('wider than /16 warns; /0 needs --allow-any-source; /16 and narrower are quiet', async () => {
    const trunk = await f.createTrunk('wide');
    const quiet = await runCli(['ips', 'add', trunk, '198.51.0.0/16'], env);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');

    const wide = await runCli(['ips', 'add', trunk, '10.0.0.0/8'], env);
    assert.equal(wide.code, 0, wide.stderr);
    assert.match(wide.stderr, /warning: 10\.0\.0\.0\/8 admits 16,777,216 addresses/);

    const any = await runCli(['ips', 'add', trunk, '0.0.0.0/0'], env);
    assert.equal(any.code, 1);
    assert.match(any.stderr, /every IPv4 address on the internet.*--allow-any-source/);
    const listed = await f.api('GET', `/trunks/${trunk}/whitelisted-ips`);
    const items = listed.body.response.data as Array<{ ip: string; mask: number }>;
    assert.ok(!items.some((i) => i.mask === 0), 'the /0 was not added without confirmation');

    const confirmed = await runCli(['ips', 'add', trunk, '0.0.0.0/0', '--allow-any-source'], env);
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(confirmed.stderr, /warning: 0\.0\.0\.0\/0 admits every IPv4 address/);

    // The API says it too, in the answer's `warnings`.
    const viaApi = await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '172.16.0.0', mask: 12 });
    assert.equal(viaApi.status, 200);
    assert.match(viaApi.body.response.data.warnings[0], /172\.16\.0\.0\/12 admits 1,048,576 addresses/);
    const narrow = await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '192.0.2.7', mask: 32 });
    assert.deepEqual(narrow.body.response.data.warnings, []);

    const update = await runCli(['ips', 'update', trunk, '198.51.0.0/16', '--mask', '0'], env);
    assert.equal(update.code, 1);
    assert.match(update.stderr, /--allow-any-source/);
  });
});
