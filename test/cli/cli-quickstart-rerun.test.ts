import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiFixture, type ApiFixture } from '../api/api-fixture.js';
import { cliEnv } from '../support/cli-env.js';
import { json, runCli } from '../support/run-cli.js';

describe('vsip quickstart run again', () => {
  let f: ApiFixture;
  let env: Record<string, string>;
  before(async () => {
    f = await apiFixture('sqlite');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    env = cliEnv(f);
  });
  after(() => f.close());
  // Gateway ports given: nothing is probed, only the API is used.
  const quickstart = (...args: string[]) =>
    runCli(['quickstart', ...args, '--gateway', '127.0.0.1', '--sip-port', '5060', '--sips-port', '5061'], env);
  const trunksNamed = async (name: string) => {
    const all = (await f.api('GET', '/trunks')).body.response.data as Array<{ trunk_sid: string; trunk_name: string }>;
    return all.filter((t) => t.trunk_name === name);
  };
  const listOf = async (sid: string, what: string) =>
    (await f.api('GET', `/trunks/${sid}/${what}`)).body.response.data as Array<Record<string, unknown>>;

  test('termination twice: the second run finds trunk, number and IP, creates nothing, says so', async () => {
    const args = ['termination', '--trunk-name', 'again_t', '--number', '+919800000301', '--pbx-ip', '192.0.2.30'];
    const first = await quickstart(...args);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stdout, /reused/);

    const second = await quickstart(...args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '');
    const sid = /Step 1: Create Trunk\s+✅ (\S+) \(again_t\) \(already there: reused\)/.exec(second.stdout)?.[1];
    assert.ok(sid, second.stdout);
    assert.match(second.stdout, /Step 2: Map Phone Number\s+✅ \+919800000301 \(your caller ID\) \(already there/);
    assert.match(second.stdout, /Step 3: Whitelist IP\s+✅ 192\.0\.2\.30\/32 \(already there: reused\)/);
    assert.match(second.stdout, /Found from an earlier run and kept: trunk, phone number, whitelisted ip\./);
    assert.match(second.stdout, new RegExp(`^Username\\s+${sid}$`, 'm'), 'the PBX settings are printed again');
    assert.equal((await trunksNamed('again_t')).length, 1);
    assert.equal((await listOf(sid, 'phone-numbers')).length, 1);
    assert.equal((await listOf(sid, 'whitelisted-ips')).length, 1);

    // A third run with another PBX address keeps trunk and number and adds only the address.
    const third = json(await quickstart(...args.slice(0, -1), '192.0.2.31', '--json'));
    assert.deepEqual(third.reused, ['trunk', 'phone_number']);
    assert.equal(third.trunk.trunk_sid, sid);
    assert.deepEqual(
      (await listOf(sid, 'whitelisted-ips')).map((i) => i.ip),
      ['192.0.2.30', '192.0.2.31'],
    );
  });

  test('origination twice: the destination URI is found, not added twice', async () => {
    const args = [
      'origination',
      '--trunk-name',
      'again_o',
      '--number',
      '+911800000302',
      '--destination',
      '192.0.2.40:5061;transport=tls',
    ];
    assert.equal((await quickstart(...args)).code, 0);
    const again = json(await quickstart(...args, '--json'));
    assert.deepEqual(again.reused, ['trunk', 'phone_number', 'destination_uri']);
    assert.equal((await listOf(again.trunk.trunk_sid, 'destination-uris')).length, 1);
  });

  test('a step that fails after creating the trunk removes it: no half trunk; an older trunk is kept', async () => {
    // The number is mapped already (to again_t): numbers are unique, so step 2 is refused.
    const r = await quickstart(
      'termination',
      '--trunk-name',
      'half_t',
      '--number',
      '+919800000301',
      '--pbx-ip',
      '192.0.2.50',
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Step 1: Create Trunk\s+✅ \S+ \(half_t\)/);
    assert.match(r.stderr, /stopped at step 2; removed trunk half_t \(\S+\) that this run had created/);
    assert.match(r.stderr, /code 1002, HTTP 409/);
    assert.deepEqual(await trunksNamed('half_t'), [], 'no half-made trunk left');

    // The same failure on a trunk that existed before leaves that trunk alone.
    const kept = await f.createTrunk('kept_t');
    const again = await quickstart(
      'termination',
      '--trunk-name',
      'kept_t',
      '--number',
      '+919800000301',
      '--pbx-ip',
      '192.0.2.50',
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /stopped at step 2; trunk kept_t \(\S+\) existed before/);
    assert.equal((await f.api('GET', `/trunks/${kept}`)).status, 200);

    // A name the API refuses: Create Trunk's own error, nothing made.
    const bad = await quickstart(
      'termination',
      '--trunk-name',
      'has-dash',
      '--number',
      '+919800000303',
      '--pbx-ip',
      '192.0.2.51',
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /trunk_name.*code 1000, HTTP 400/);
  });
});
