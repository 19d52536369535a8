import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiFixture, type ApiFixture } from '../api/api-fixture.js';
import { cliEnv } from '../support/cli-env.js';
import { CLOSED_PORT } from '../support/ports.js';
import { json, runCli } from '../support/run-cli.js';

interface Check {
  id: string;
  status: string;
  detail: string;
  fix: string | null;
}

const envOf = cliEnv;

describe('vsip doctor tells apart what is wrong', () => {
  let f: ApiFixture;
  let gatewayFlags: string[];
  before(async () => {
    f = await apiFixture('sqlite');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    // No gateway listens there: the gateway row fails fast, the API rows are what is tested.
    const closed = String(CLOSED_PORT);
    gatewayFlags = ['--gateway', '127.0.0.1', '--sip-port', closed, '--sips-port', closed, '--timeout', '1000'];
  });
  after(() => f.close());
  const doctor = async (env: Record<string, string>, ...args: string[]) => {
    const r = await runCli(['doctor', ...args, ...gatewayFlags], env);
    return { r, checks: (args.includes('--json') ? json(r).checks : []) as Check[] };
  };
  const check = (checks: Check[], id: string): Check => {
    const c = checks.find((x) => x.id === id);
    assert.ok(c, `no ${id} row`);
    return c;
  };

  test('an inactive trunk is row 1 with "activate it", not a credentials failure in row 5', async () => {
    const sid = await f.createTrunk('dr_inactive');
    await f.api('POST', `/trunks/${sid}/phone-numbers`, { phone_number: '+919800000401' });
    await f.api('POST', `/trunks/${sid}/whitelisted-ips`, { ip: '127.0.0.1', mask: 32 });
    await f.api('PUT', `/trunks/${sid}`, { status: 'inactive' });

    // By name: doctor takes a trunk's name like every other command.
    const { r, checks } = await doctor(envOf(f), 'dr_inactive', '--pbx-ip', '127.0.0.1', '--json');
    assert.equal(r.code, 1);
    assert.equal(json(r).trunk_sid, sid);
    const trunk = check(checks, 'trunk');
    assert.equal(trunk.status, 'fail');
    assert.match(trunk.detail, /exists but is inactive/);
    assert.equal(trunk.fix, `Activate it: vsip trunks update ${sid} --status active`);
    assert.equal(check(checks, 'credentials').status, 'pass');
    const reg = check(checks, 'registration');
    assert.equal(reg.status, 'skip');
    assert.match(reg.detail, /the trunk is inactive \(row 1\).*401 as if the password were wrong/);
    assert.doesNotMatch(JSON.stringify(checks), /rejected the credentials/);
  });

  test('wrong API credentials and a suspended account: row 1, each with its own fix', async () => {
    const wrong = await doctor(envOf(f, 'not-the-token'), 'dr_inactive', '--json');
    assert.equal(wrong.r.code, 1);
    const row1 = check(wrong.checks, 'trunk');
    assert.equal(row1.status, 'fail');
    assert.match(row1.detail, /the API refused the API key and token/);
    assert.match(row1.fix ?? '', /vsip login, or set VSIP_API_KEY and VSIP_API_TOKEN/);

    // Another account, suspended before its first API call (the API caches authentications briefly).
    const g = await apiFixture('sqlite');
    try {
      await g.app.listen({ host: '127.0.0.1', port: 0 });
      await g.store.setAccountStatus(g.account.accountSid, 'suspended');
      const sus = await doctor(envOf(g), 'any_trunk', '--json');
      assert.equal(sus.r.code, 1);
      const row = check(sus.checks, 'trunk');
      assert.match(row.detail, new RegExp(`account ${g.account.accountSid} is suspended by the operator`));
      assert.match(row.fix ?? '', /resume the account/);
      assert.doesNotMatch(row.detail, /key and token/);
      // Human output: the same row, not an error line.
      const human = await doctor(envOf(g), 'any_trunk');
      assert.match(human.r.stdout, /^1 .*❌.*is suspended by the operator/m);
      assert.match(human.r.stdout, /↳ Fix: Ask the operator of this service to resume the account/);
    } finally {
      await g.close();
    }
  });

  test('a whitelist wider than /16 is a ⚠️ row with a fix that narrows it; /16 passes quietly', async () => {
    const sid = await f.createTrunk('dr_wide');
    await f.api('POST', `/trunks/${sid}/phone-numbers`, { phone_number: '+919800000402' });
    await f.api('POST', `/trunks/${sid}/whitelisted-ips`, { ip: '10.0.0.0', mask: 8 });
    const env = envOf(f);

    const { r, checks } = await doctor(env, sid, '--pbx-ip', '10.1.2.3', '--json');
    const ip = check(checks, 'ip');
    assert.equal(ip.status, 'warn');
    assert.match(
      ip.detail,
      /10\.1\.2\.3 is inside 10\.0\.0\.0\/8; warning: 10\.0\.0\.0\/8 admits 16,777,216 addresses/,
    );
    assert.equal(ip.fix, `Narrow it to your PBX public IP: vsip ips update ${sid} 10.0.0.0/8 --ip 10.1.2.3 --mask 32`);
    assert.ok(
      json(r).checks.every((c: Check) => c.status !== 'fail' || c.id === 'gateway'),
      'a warning fails nothing',
    );

    const human = await doctor(env, 'dr_wide', '--pbx-ip', '10.1.2.3');
    assert.match(human.r.stdout, /^3 .*⚠️/m);
    assert.match(human.r.stdout, /⚠️ {2}1 warning: see the fix under each ⚠️ row\./);

    // The fix, run as printed, narrows it; a /16 is not warned about.
    const fixed = await runCli((ip.fix ?? '').replace(/^.*?: vsip /, '').split(' '), env);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(check((await doctor(env, sid, '--pbx-ip', '10.1.2.3', '--json')).checks, 'ip').status, 'pass');
    await f.api('POST', `/trunks/${sid}/whitelisted-ips`, { ip: '172.16.0.0', mask: 16 });
    assert.equal(check((await doctor(env, sid, '--json')).checks, 'ip').status, 'pass');

    await f.api('POST', `/trunks/${sid}/whitelisted-ips`, { ip: '0.0.0.0', mask: 0 });
    const any = check((await doctor(env, sid, '--json')).checks, 'ip');
    assert.equal(any.status, 'warn');
    assert.match(any.detail, /0\.0\.0\.0\/0 admits every IPv4 address on the internet/);
  });
});
