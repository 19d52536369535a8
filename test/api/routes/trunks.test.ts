import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, basic, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api-fixture.js';
import { expectFailure } from '../expect-failure.js';

after(stopSharedPostgres);

for (const kind of STORE_KINDS) {
  describe(`trunks API on ${kind}`, () => {
    let f: ApiFixture;
    let domain: string;
    before(async () => {
      f = await apiFixture(kind);
      domain = `${f.account.accountSid}.pstn.exotel.com`;
    });
    after(() => f.close());

    test('create answers 200 with the envelope and the full trunk object', async () => {
      const r = await f.api('POST', '/trunks', { trunk_name: 'my_trunk', nso_code: 'ANY-ANY', domain_name: domain });
      assert.equal(r.status, 200);
      assert.match(r.body.request_id, /^[0-9a-f]{12}$/);
      assert.equal(r.body.method, 'POST');
      assert.equal(r.body.http_code, 200);
      const { response } = r.body;
      assert.equal(response.code, 200);
      assert.equal(response.status, 'success');
      assert.equal(response.error_data, null);
      const t = response.data;
      assert.equal(t.trunk_name, 'my_trunk');
      assert.equal(t.nso_code, 'ANY-ANY');
      assert.equal(t.domain_name, domain);
      assert.equal(t.status, 'active');
      assert.equal(typeof t.registration_enabled, 'boolean');
      assert.equal(typeof t.secure_trunking, 'boolean');
      assert.match(t.date_created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(t.links.phone_numbers, `/v2/accounts/${f.account.accountSid}/trunks/${t.trunk_sid}/phone-numbers`);
      assert.equal(t.links.credentials, `/v2/accounts/${f.account.accountSid}/trunks/${t.trunk_sid}/credentials`);
    });

    test('domain_name is compared case-insensitively and stored canonically', async () => {
      const r = await f.api('POST', '/trunks', {
        trunk_name: 'upper',
        nso_code: 'ANY-ANY',
        domain_name: domain.toUpperCase(),
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.response.data.domain_name, domain);
    });

    test('each validation failure names the field and the expected format', async () => {
      const good = { trunk_name: 'ok_name', nso_code: 'ANY-ANY', domain_name: domain };
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...good, trunk_name: '' }, /^trunk_name: .*1-16 characters of A-Z, a-z, 0-9 and _/],
        [{ ...good, trunk_name: 'a'.repeat(17) }, /^trunk_name: .*1-16 characters/],
        [{ ...good, trunk_name: 'my trunk!' }, /^trunk_name: "my trunk!" is not valid/],
        [{ ...good, trunk_name: 42 }, /^trunk_name: 42 is not valid/],
        [{ ...good, nso_code: 'any' }, /^nso_code: .*ANY-ANY/],
        [{ ...good, nso_code: '' }, /^nso_code: .*ANY-ANY/],
        // A real operator-circle code would promise routing vsip does not do: refused, not ignored.
        [{ ...good, nso_code: 'AIRTEL-MUMBAI' }, /^nso_code: .*ANY-ANY/],
        [
          { ...good, domain_name: 'other.pstn.exotel.com' },
          new RegExp(`^domain_name: .*expected ${domain.replace(/\./g, '\\.')}`),
        ],
        [{ nso_code: 'ANY-ANY', domain_name: domain }, /^trunk_name is required; expected 1-16/],
        [{ trunk_name: 'x', domain_name: domain }, /^nso_code is required/],
        [
          { trunk_name: 'x', nso_code: 'ANY-ANY' },
          /^domain_name is required; expected <account_sid>\.pstn\.exotel\.com/,
        ],
        [
          { ...good, extra: 1 },
          /^extra is not a field of the request body; allowed fields: trunk_name, nso_code, domain_name/,
        ],
        [
          { ...good, registration_enabled: 'true' },
          /^registration_enabled: "true" is not valid; expected true or false/,
        ],
      ];
      for (const [body, description] of cases) {
        expectFailure(await f.api('POST', '/trunks', body), 400, 1000, description);
      }
      expectFailure(await f.api('POST', '/trunks', [good]), 400, 1000, /request body must be a JSON object/);
      expectFailure(await f.api('POST', '/trunks'), 400, 1000, /request body must be a JSON object/);
    });

    test('a duplicate name in the account is 409/1002', async () => {
      await f.createTrunk('dup_name');
      expectFailure(
        await f.api('POST', '/trunks', { trunk_name: 'dup_name', nso_code: 'ANY-ANY', domain_name: domain }),
        409,
        1002,
        /trunk_name is already used/,
      );
    });

    test('racing creates of one name: exactly one 200, one 409', async () => {
      const body = { trunk_name: 'race_name', nso_code: 'ANY-ANY', domain_name: domain };
      const results = await Promise.all([
        f.api('POST', '/trunks', body),
        f.api('POST', '/trunks', body),
        f.api('POST', '/trunks', body),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);
    });

    test('names are unique per account only; another account cannot see or delete the trunk', async () => {
      const mine = await f.createTrunk('shared_name');
      const other = await f.store.createAccount('neighbour');
      const auth = basic(other.apiKey, other.apiToken);
      const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
        f.app.inject({
          method,
          url: `/v2/accounts/${other.accountSid}${url}`,
          headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { payload: JSON.stringify(body) } : {}),
        });
      const r = await call('POST', '/trunks', {
        trunk_name: 'shared_name',
        nso_code: 'ANY-ANY',
        domain_name: `${other.accountSid}.pstn.exotel.com`,
      });
      assert.equal(r.statusCode, 200);
      assert.equal((await call('GET', `/trunks?trunk_sid=${mine}`)).statusCode, 404);
      assert.equal((await call('DELETE', `/trunks?trunk_sid=${mine}`)).statusCode, 404);
      assert.equal((await f.api('GET', `/trunks/${mine}`)).status, 200);
    });

    test('a trunk deleted while numbers are being mapped leaves no orphan mapping', async () => {
      const sid = await f.createTrunk('racing_del');
      const numbers = Array.from({ length: 8 }, (_, i) => `+1415555020${i}`);
      const results = await Promise.all([
        ...numbers.slice(0, 4).map((phone_number) => f.api('POST', `/trunks/${sid}/phone-numbers`, { phone_number })),
        f.api('DELETE', `/trunks?trunk_sid=${sid}`),
        ...numbers.slice(4).map((phone_number) => f.api('POST', `/trunks/${sid}/phone-numbers`, { phone_number })),
      ]);
      for (const r of results) assert.ok([200, 404].includes(r.status), JSON.stringify(r.body));
      expectFailure(await f.api('GET', `/trunks/${sid}/phone-numbers`), 404, 1003);
      const heir = await f.createTrunk('racing_heir');
      for (const phone_number of numbers) {
        assert.equal(
          (await f.api('POST', `/trunks/${heir}/phone-numbers`, { phone_number })).status,
          200,
          `${phone_number} was left mapped to the deleted trunk`,
        );
      }
    });

    test('get by ?trunk_sid= and by path; 404/1003 for an unknown one', async () => {
      const sid = await f.createTrunk('get_me');
      for (const path of [`/trunks?trunk_sid=${sid}`, `/trunks/${sid}`]) {
        const r = await f.api('GET', path);
        assert.equal(r.status, 200);
        assert.equal(r.body.response.data.trunk_sid, sid);
        assert.equal(r.body.response.data.trunk_name, 'get_me');
      }
      expectFailure(await f.api('GET', '/trunks?trunk_sid=nope'), 404, 1003, /nope/);
      expectFailure(await f.api('GET', '/trunks/nope'), 404, 1003);
    });

    test('list is paged with metadata and page URIs; offset past the end is empty', async () => {
      const base = `/v2/accounts/${f.account.accountSid}/trunks`;
      const all = await f.api('GET', '/trunks?page_size=100');
      const total = all.body.response.metadata.total;
      assert.ok(total >= 4);
      assert.equal(all.body.response.data.length, total);
      const p = await f.api('GET', '/trunks?offset=1&page_size=2');
      assert.equal(p.status, 200);
      assert.equal(p.body.response.data.length, 2);
      assert.deepEqual(
        p.body.response.data.map((t: any) => t.trunk_sid),
        all.body.response.data.slice(1, 3).map((t: any) => t.trunk_sid),
      );
      const m = p.body.response.metadata;
      assert.equal(m.page_size, 2);
      assert.equal(m.offset, 1);
      assert.equal(m.total, total);
      assert.equal(m.first_page_uri, `${base}?offset=0&page_size=2`);
      assert.equal(m.prev_page_uri, `${base}?offset=0&page_size=2`);
      assert.equal(m.next_page_uri, `${base}?offset=3&page_size=2`);
      const past = await f.api('GET', `/trunks?offset=${total + 10}`);
      assert.equal(past.status, 200);
      assert.deepEqual(past.body.response.data, []);
      assert.equal(past.body.response.metadata.next_page_uri, null);
      assert.equal((await f.api('GET', '/trunks')).body.response.metadata.page_size, 50);
      expectFailure(await f.api('GET', '/trunks?page_size=101'), 400, 1000, /^page_size: .*1 to 100/);
      expectFailure(await f.api('GET', '/trunks?offset=-1'), 400, 1000, /^offset: "-1" is not valid/);
      expectFailure(await f.api('GET', '/trunks?limit=5'), 400, 1000, /limit is not a field/);
    });

    test('update changes the given fields; validation, 409 and 404 apply', async () => {
      const sid = await f.createTrunk('to_update');
      const r = await f.api('PUT', `/trunks/${sid}`, {
        trunk_name: 'updated',
        status: 'inactive',
        registration_enabled: true,
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.response.data.trunk_name, 'updated');
      assert.equal(r.body.response.data.status, 'inactive');
      assert.equal(r.body.response.data.registration_enabled, true);
      expectFailure(
        await f.api('PUT', `/trunks/${sid}`, {}),
        400,
        1000,
        /^request body: \{\} is not valid; expected at least one trunk field/,
      );
      expectFailure(
        await f.api('PUT', `/trunks/${sid}`, { status: 'paused' }),
        400,
        1000,
        /^status: "paused" is not valid; expected active or inactive/,
      );
      expectFailure(await f.api('PUT', `/trunks/${sid}`, { trunk_name: 'dup_name' }), 409, 1002);
      expectFailure(await f.api('PUT', '/trunks/nope', { trunk_name: 'zzz' }), 404, 1003);
    });

    test('delete removes the trunk and everything under it', async () => {
      const sid = await f.createTrunk('doomed');
      assert.equal((await f.api('POST', `/trunks/${sid}/phone-numbers`, { phone_number: '+14155550123' })).status, 200);
      assert.equal(
        (await f.api('POST', `/trunks/${sid}/whitelisted-ips`, { ip: '198.51.100.7', mask: 32 })).status,
        200,
      );
      assert.equal(
        (
          await f.api('POST', `/trunks/${sid}/destination-uris`, {
            destinations: [{ destination: 'pbx.example.com:5061;transport=tls' }],
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await f.api('POST', `/trunks/${sid}/settings`, {
            settings: [{ name: 'trunk_external_alias', value: '+14155550123' }],
          })
        ).status,
        200,
      );
      const r = await f.api('DELETE', `/trunks?trunk_sid=${sid}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.response.data, { trunk_sid: sid, deleted: true });
      expectFailure(await f.api('GET', `/trunks?trunk_sid=${sid}`), 404, 1003);
      expectFailure(await f.api('GET', `/trunks/${sid}/phone-numbers`), 404, 1003);
      expectFailure(await f.api('GET', `/trunks/${sid}/credentials`), 404, 1003);
      expectFailure(await f.api('DELETE', `/trunks?trunk_sid=${sid}`), 404, 1003);
      // the number is free again: mapping it to another trunk works
      const other = await f.createTrunk('heir');
      assert.equal(
        (await f.api('POST', `/trunks/${other}/phone-numbers`, { phone_number: '+14155550123' })).status,
        200,
      );
      expectFailure(await f.api('DELETE', '/trunks'), 400, 1000, /trunk_sid is required/);
      const byPath = await f.api('DELETE', `/trunks/${other}`, undefined, { 'content-type': 'application/json' });
      assert.equal(byPath.status, 200);
    });
  });
}
