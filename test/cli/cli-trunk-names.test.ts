import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closestNames } from '../../src/cli/output/closest-names.js';
import { apiFixture, type ApiFixture } from '../api/api-fixture.js';
import { cliEnv } from '../support/cli-env.js';
import { json, runCli } from '../support/run-cli.js';

describe('trunk names wherever the CLI takes a trunk SID', () => {
  let f: ApiFixture;
  let env: Record<string, string>;
  let sid: string;
  let other: string;
  before(async () => {
    f = await apiFixture('sqlite');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    env = cliEnv(f);
    sid = await f.createTrunk('outbound_trunk');
    // Its name contains the first one's: a search for "outbound_trunk" matches both.
    other = await f.createTrunk('outbound_trunk2');
  });
  after(() => f.close());
  const vsip = (...args: string[]) => runCli(args, env);

  test('show, numbers, ips, destinations, credentials, alias, calls and registrations accept a name', async () => {
    const shown = json(await vsip('trunks', 'show', 'outbound_trunk', '--json'));
    assert.equal(shown.trunk_sid, sid);
    assert.equal(json(await vsip('trunks', 'show', 'outbound_trunk2', '--json')).trunk_sid, other);

    const added = await vsip('numbers', 'add', 'outbound_trunk', '+919800000201');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, new RegExp(`Mapped \\+919800000201 to trunk ${sid}`));
    const viaApi = await f.api('GET', `/trunks/${sid}/phone-numbers`);
    assert.equal(viaApi.body.response.data[0].phone_number, '+919800000201');

    assert.equal((await vsip('ips', 'add', 'outbound_trunk', '192.0.2.10')).code, 0);
    assert.equal(json(await vsip('ips', 'list', 'outbound_trunk', '--json'))[0].ip, '192.0.2.10');
    const dest = await vsip('destinations', 'add', 'outbound_trunk2', '192.0.2.20:5061;transport=tls');
    assert.equal(dest.code, 0, dest.stderr);
    assert.equal(json(await vsip('destinations', 'list', other, '--json')).length, 1, 'went to the second trunk');
    assert.equal(json(await vsip('credentials', 'show', 'outbound_trunk', '--json')).username, sid);
    assert.equal((await vsip('alias', 'set', 'outbound_trunk', '+919800000201')).code, 0);
    assert.equal(json(await vsip('alias', 'show', 'outbound_trunk', '--json')).value, '+919800000201');
    assert.deepEqual(json(await vsip('calls', 'outbound_trunk', '--json')), []);
    assert.deepEqual(json(await vsip('registrations', 'outbound_trunk', '--json')), []);

    const updated = await vsip('trunks', 'update', 'outbound_trunk2', '--status', 'inactive', '--json');
    assert.equal(json(updated).trunk_sid, other);
    assert.equal(json(updated).status, 'inactive');
    // A SID still works as before.
    assert.equal(json(await vsip('trunks', 'show', sid, '--json')).trunk_name, 'outbound_trunk');
  });

  test('a name that matches nothing: 1003 with "did you mean" (names and SIDs), nothing changed', async () => {
    const r = await vsip('numbers', 'add', 'outbund_trunk', '+919800000202');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^vsip: no trunk outbund_trunk in account \S+ \(neither a trunk SID nor a name\); did you mean outbound_trunk/,
    );
    assert.match(r.stderr, /\(code 1003, HTTP 404/);
    const numbers = await f.api('GET', `/trunks/${sid}/phone-numbers`);
    assert.ok(!JSON.stringify(numbers.body).includes('+919800000202'));

    // A mistyped SID (one character off) is suggested the real one.
    const typo = `${sid.slice(0, -1)}${sid.endsWith('0') ? '1' : '0'}`;
    const bad = await vsip('ips', 'list', typo, '--json');
    assert.equal(bad.code, 1);
    const err = JSON.parse(bad.stderr) as { error: { code: number; http_status: number; message: string } };
    assert.equal(err.error.code, 1003);
    assert.equal(err.error.http_status, 404);
    assert.match(err.error.message, new RegExp(`did you mean ${sid}`));

    // Nothing alike: no guess, a pointer to the list instead.
    const none = await vsip('trunks', 'show', 'zzzz');
    assert.match(none.stderr, /no trunk zzzz .*; see: vsip trunks list/);
  });

  test('delete by name names the trunk in the refusal and in the outcome', async () => {
    const doomed = await f.createTrunk('doomed_one');
    const refused = await vsip('trunks', 'delete', 'doomed_one');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`refusing to delete trunk doomed_one \\(${doomed}\\)`));
    const deleted = await vsip('trunks', 'delete', 'doomed_one', '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`Deleted trunk doomed_one \\(${doomed}\\)`));
    assert.equal((await f.api('GET', `/trunks/${doomed}`)).status, 404);
  });
});

test('closestNames: containment and edit distance, closest first; nothing alike gives nothing', () => {
  const names = ['outbound_trunk', 'inbound_trunk', 'backup', 'trmum1aaaaaaaaaaaaaaaaaaaaaaaa'];
  assert.deepEqual(closestNames('outbund_trunk', names), ['outbound_trunk', 'inbound_trunk']);
  assert.deepEqual(closestNames('BACKUP', names), ['backup']);
  assert.deepEqual(closestNames('trmum1aaaaaaaaaaaaaaaaaaaaaaab', names), ['trmum1aaaaaaaaaaaaaaaaaaaaaaaa']);
  assert.deepEqual(closestNames('zzzz', names), []);
});
