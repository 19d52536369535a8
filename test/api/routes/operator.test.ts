/**
 * The operator API on SQLite and PostgreSQL: accounts (create, list, get, suspend/resume, rotate,
 * delete with cascade), carriers and routes (CRUD and field-named validation errors), and the
 * carrier password and tokens never in answers after creation nor in the logs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accountCredentialsSchema,
  carrierRouteSchema,
  carrierSchema,
  operatorAccountSchema,
} from '../../../src/api/routes/operator/operator-schemas.js';
import { apiFixture, basic, STORE_KINDS, stopSharedPostgres, type ApiFixture, type ApiResult } from '../api-fixture.js';

const PASSWORD = 'Carrier-Pa55word-9f3k';

const carrierBody = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  uris: [{ uri: 'sip:192.0.2.10:5060;transport=udp' }, { uri: 'SIPS:Carrier.Example.com', priority: 2, weight: 0 }],
  credentials: { username: 'vsip-trunk', password: PASSWORD, realm: 'carrier.example' },
  source_cidrs: ['192.0.2.0/24', '198.51.100.7'],
  codecs: ['PCMA', 'PCMU'],
  max_calls_per_second: 20,
  probe: true,
  ...over,
});

for (const kind of STORE_KINDS) {
  describe(`operator API on ${kind}`, () => {
    let f: ApiFixture;
    let token: string;
    const bodies: string[] = [];
    const op = async (method: string, path: string, body?: unknown, auth?: string): Promise<ApiResult> => {
      const hasBody = body !== undefined;
      const r = await f.app.inject({
        method: method as 'GET',
        url: `/v2/operator${path}`,
        headers: {
          authorization: auth ?? `Bearer ${token}`,
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
        },
        ...(hasBody ? { payload: JSON.stringify(body) } : {}),
      });
      bodies.push(r.body);
      return { status: r.statusCode, headers: r.headers, body: r.body === '' ? null : r.json() };
    };
    const description = (r: ApiResult): string => r.body.response.error_data.description;

    before(async () => {
      f = await apiFixture(kind);
      token = (await f.store.createOperatorToken('test')).secret;
    });
    after(async () => {
      await f.close();
      await stopSharedPostgres();
    });

    test('accounts: create shows the token once; list and get never do', async () => {
      const created = await op('POST', '/accounts', { name: 'Acme Ltd' });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const creds = created.body.response.data;
      assert.deepEqual(Object.keys(creds).sort(), ['account_sid', 'api_key', 'api_token']);
      const list = await op('GET', '/accounts');
      assert.equal(list.status, 200);
      assert.ok(list.body.response.data.some((a: { account_sid: string }) => a.account_sid === creds.account_sid));
      assert.equal(list.body.response.metadata.total, 2);
      const got = await op('GET', `/accounts/${creds.account_sid}`);
      assert.deepEqual(
        { ...got.body.response.data, date_created: null },
        {
          account_sid: creds.account_sid,
          name: 'Acme Ltd',
          api_key: creds.api_key,
          status: 'active',
          date_created: null,
        },
      );
      for (const r of [list, got]) assert.ok(!JSON.stringify(r.body).includes(creds.api_token));
      assert.equal((await op('GET', '/accounts/vsip0000000000000000')).status, 404);
      const bad = await op('POST', '/accounts', { name: '' });
      assert.equal(bad.status, 400);
      assert.match(description(bad), /^name: /);
    });

    test('suspend: the account API answers 403 (1016) at once; resume restores it', async () => {
      const trunk = await f.createTrunk('susp');
      assert.equal((await f.api('GET', `/trunks/${trunk}`)).status, 200);
      const s = await op('POST', `/accounts/${f.account.accountSid}/suspend`);
      assert.equal(s.status, 200);
      assert.equal(s.body.response.data.status, 'suspended');
      const refused = await f.api('GET', `/trunks/${trunk}`);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.response.error_data.code, 1016);
      const r = await op('POST', `/accounts/${f.account.accountSid}/resume`);
      assert.equal(r.body.response.data.status, 'active');
      assert.equal((await f.api('GET', `/trunks/${trunk}`)).status, 200);
      assert.equal((await op('POST', '/accounts/vsip0000000000000000/suspend')).status, 404);
    });

    test('rotate token: the old token stops at once, the new one works', async () => {
      const creds = (await op('POST', '/accounts', { name: 'rotating' })).body.response.data;
      const call = (t: string) =>
        f.app.inject({
          url: `/v2/accounts/${creds.account_sid}/trunks`,
          headers: { authorization: basic(creds.api_key, t) },
        });
      assert.equal((await call(creds.api_token)).statusCode, 200);
      const rotated = await op('POST', `/accounts/${creds.account_sid}/token`);
      assert.equal(rotated.status, 200);
      const fresh = rotated.body.response.data.api_token;
      assert.notEqual(fresh, creds.api_token);
      assert.equal((await call(creds.api_token)).statusCode, 401);
      assert.equal((await call(fresh)).statusCode, 200);
    });

    test('delete: the account, its trunks and their items go; other accounts stay', async () => {
      const creds = (await op('POST', '/accounts', { name: 'doomed' })).body.response.data;
      const trunk = await f.store.createTrunk({
        accountSid: creds.account_sid,
        name: 'gone',
        nsoCode: 'ANY-ANY',
        domainName: `${creds.account_sid}.pstn.exotel.com`,
      });
      await f.store.addPhoneNumber(creds.account_sid, trunk.sid, '+919811100001', 'pstn');
      const keep = await f.createTrunk('keep');
      const del = await op('DELETE', `/accounts/${creds.account_sid}`);
      assert.equal(del.status, 200);
      assert.deepEqual(del.body.response.data, { account_sid: creds.account_sid, deleted: true });
      assert.equal((await op('GET', `/accounts/${creds.account_sid}`)).status, 404);
      assert.equal(await f.store.loadGatewayTrunk(trunk.sid), null);
      // The number is free again: the cascade removed it with its trunk.
      assert.equal(
        (await f.api('POST', `/trunks/${keep}/phone-numbers`, { phone_number: '+919811100001' })).status,
        200,
      );
      const login = await f.app.inject({
        url: `/v2/accounts/${creds.account_sid}/trunks`,
        headers: { authorization: basic(creds.api_key, creds.api_token) },
      });
      assert.equal(login.statusCode, 401);
      assert.equal((await op('DELETE', `/accounts/${creds.account_sid}`)).status, 404);
    });

    test('carriers: create, get, list, update, delete; normalised URIs and CIDRs; no password back', async () => {
      const c = await op('POST', '/carriers', carrierBody('alpha'));
      assert.equal(c.status, 200, JSON.stringify(c.body));
      const carrier = c.body.response.data;
      assert.deepEqual(
        carrier.uris.map((u: { uri: string; priority: number; weight: number }) => [u.uri, u.priority, u.weight]),
        [
          ['sip:192.0.2.10:5060;transport=udp', 1, 1],
          ['sips:carrier.example.com', 2, 0],
        ],
      );
      assert.deepEqual(carrier.credentials, {
        username: 'vsip-trunk',
        auth_username: null,
        realm: 'carrier.example',
        password_set: true,
      });
      assert.deepEqual(carrier.source_cidrs, ['192.0.2.0/24', '198.51.100.7/32']);
      assert.equal(carrier.registration, null);
      assert.equal((await op('GET', `/carriers/${carrier.carrier_sid}`)).body.response.data.name, 'alpha');
      assert.equal((await op('GET', '/carriers')).body.response.data.length, 1);
      assert.equal((await op('POST', '/carriers', carrierBody('alpha'))).status, 409);

      const u = await op('PUT', `/carriers/${carrier.carrier_sid}`, {
        credentials: { username: 'renamed' },
        registration: { registrar_uri: 'sip:registrar.carrier.example' },
        uris: [{ uri: 'sip:[2001:db8::1]:5080;transport=tcp', priority: 3, weight: 7 }],
      });
      assert.equal(u.status, 200, JSON.stringify(u.body));
      assert.equal(u.body.response.data.credentials.username, 'renamed');
      assert.deepEqual(u.body.response.data.registration, {
        registrar_uri: 'sip:registrar.carrier.example',
        expires: 3600,
        contact_user: 'vsip',
      });
      const plan = await f.store.loadCarrierPlan();
      assert.equal(plan.carriers.get(carrier.carrier_sid)?.credentials?.password, PASSWORD, 'password kept');
      assert.equal((await op('PUT', '/carriers/carnope', { probe: false })).status, 404);
      const del = await op('DELETE', `/carriers/${carrier.carrier_sid}`);
      assert.deepEqual(del.body.response.data, { carrier_sid: carrier.carrier_sid, deleted: true });
      assert.equal((await op('GET', `/carriers/${carrier.carrier_sid}`)).status, 404);
    });

    test('carriers: bad input is refused with the field named', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ name: 'bad name!' }, /^name: /],
        [{ uris: [] }, /^uris: /],
        [{ uris: [{ uri: 'http://x.example' }] }, /^uris\[0\]\.uri: .*not a carrier URI/],
        [{ uris: [{ uri: 'sip:host:99999' }] }, /^uris\[0\]\.uri: .*port 99999/],
        [{ uris: [{ uri: 'sips:host;transport=udp' }] }, /^uris\[0\]\.uri: .*without TLS/],
        [{ uris: [{ uri: 'sip:user@host' }] }, /^uris\[0\]\.uri: /],
        [{ uris: [{ uri: 'sip:bad_host!' }] }, /^uris\[0\]\.uri: .*invalid host/],
        [{ uris: [{ uri: 'sip:h.example;transport=sctp' }] }, /^uris\[0\]\.uri: .*transport/],
        [{ uris: [{ uri: 'sip:a.example' }, { uri: 'SIP:A.example' }] }, /^uris\[1\]\.uri: .*twice/],
        [{ uris: [{ uri: 'sip:a.example', weight: -1 }] }, /^uris\[0\]\.weight: /],
        [{ source_cidrs: ['10.0.0.5/24'] }, /^source_cidrs\[0\]: .*10\.0\.0\.0\/24/],
        [{ source_cidrs: ['300.1.1.1'] }, /^source_cidrs\[0\]: /],
        [{ codecs: ['OPUS'] }, /^codecs\[0\]: /],
        [{ credentials: { username: 'a b', password: 'x' } }, /^credentials\.username: /],
        [{ credentials: { username: 'ok' } }, /^credentials\.password is required/],
        [{ credentials: { username: 'ok', password: 'bad\npw' } }, /^credentials\.password: /],
        [{ registration: { registrar_uri: 'tel:+1' } }, /^registration\.registrar_uri: /],
        [{ registration: { registrar_uri: 'sip:r.example', expires: 5 } }, /^registration\.expires: /],
        [{ max_calls_per_second: 0 }, /^max_calls_per_second: /],
        [{ probe: 'yes' }, /^probe: /],
        [{ colour: 'red' }, /^colour is not a field/],
      ];
      for (const [over, expected] of cases) {
        const r = await op('POST', '/carriers', carrierBody('beta', over));
        assert.equal(r.status, 400, `${JSON.stringify(over)} → ${r.status}`);
        assert.equal(r.body.response.error_data.code, 1000);
        assert.match(description(r), expected, JSON.stringify(over));
      }
      assert.equal((await op('GET', '/carriers')).body.response.metadata.total, 0, 'nothing was created');
      const noPassword = await op('POST', '/carriers', carrierBody('gamma', { credentials: null }));
      const sid = noPassword.body.response.data.carrier_sid;
      const r = await op('PUT', `/carriers/${sid}`, { credentials: { username: 'u' } });
      assert.equal(r.status, 400);
      assert.match(description(r), /^credentials\.password: /);
      assert.equal((await op('PUT', `/carriers/${sid}`, {})).status, 400);
      await op('DELETE', `/carriers/${sid}`);
    });

    test('routes: CRUD; carriers must exist; a carrier in use cannot be deleted (409, 1042)', async () => {
      const a = (await op('POST', '/carriers', carrierBody('ra'))).body.response.data.carrier_sid;
      const b = (await op('POST', '/carriers', carrierBody('rb'))).body.response.data.carrier_sid;
      const created = await op('POST', '/routes', {
        prefix: '91',
        carriers: [{ carrier_sid: a }, { carrier_sid: b, priority: 2, weight: 5 }],
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const route = created.body.response.data;
      assert.deepEqual(route.carriers, [
        { carrier_sid: a, priority: 1, weight: 1 },
        { carrier_sid: b, priority: 2, weight: 5 },
      ]);
      assert.equal((await op('POST', '/routes', { prefix: '', carriers: [{ carrier_sid: b }] })).status, 200);
      assert.equal((await op('POST', '/routes', { prefix: '91', carriers: [{ carrier_sid: a }] })).status, 409);

      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ prefix: '+91', carriers: [{ carrier_sid: a }] }, /^prefix: /],
        [{ prefix: '1234567890123456', carriers: [{ carrier_sid: a }] }, /^prefix: /],
        [{ prefix: '44', carriers: [] }, /^carriers: /],
        [{ prefix: '44', carriers: [{ carrier_sid: a }, { carrier_sid: 'carnope' }] }, /^carriers\[1\]\.carrier_sid: /],
        [{ prefix: '44', carriers: [{ carrier_sid: a }, { carrier_sid: a }] }, /^carriers\[1\]\.carrier_sid: .*twice/],
        [{ prefix: '44', carriers: [{ carrier_sid: a, priority: 1.5 }] }, /^carriers\[0\]\.priority: /],
        [{ carriers: [{ carrier_sid: a }] }, /^prefix is required/],
      ];
      for (const [body, expected] of cases) {
        const r = await op('POST', '/routes', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status}`);
        assert.match(description(r), expected, JSON.stringify(body));
      }

      const inUse = await op('DELETE', `/carriers/${b}`);
      assert.equal(inUse.status, 409);
      assert.equal(inUse.body.response.error_data.code, 1042);
      assert.match(description(inUse), /route rte[0-9a-f]+/);

      const put = await op('PUT', `/routes/${route.route_sid}`, { prefix: '919', carriers: [{ carrier_sid: a }] });
      assert.equal(put.body.response.data.prefix, '919');
      assert.equal((await op('GET', `/routes/${route.route_sid}`)).body.response.data.carriers.length, 1);
      const list = await op('GET', '/routes');
      assert.deepEqual(
        list.body.response.data.map((r: { prefix: string }) => r.prefix),
        ['919', ''],
      );
      for (const r of list.body.response.data) await op('DELETE', `/routes/${r.route_sid}`);
      assert.equal((await op('GET', `/routes/${route.route_sid}`)).status, 404);
      assert.equal((await op('DELETE', `/carriers/${b}`)).status, 200);
      assert.equal((await op('DELETE', `/carriers/${a}`)).status, 200);
    });

    test('documented response fields (OpenAPI) are exactly the fields of real answers', async () => {
      const keys = (o: object) => Object.keys(o).sort();
      const created = (await op('POST', '/accounts', { name: 'schema' })).body.response.data;
      assert.deepEqual(keys(created), keys(accountCredentialsSchema.properties));
      const account = (await op('GET', `/accounts/${created.account_sid}`)).body.response.data;
      assert.deepEqual(keys(account), keys(operatorAccountSchema.properties));
      const carrier = (
        await op('POST', '/carriers', carrierBody('schema', { registration: { registrar_uri: 'sip:r.example' } }))
      ).body.response.data;
      assert.deepEqual(keys(carrier), keys(carrierSchema.properties));
      const nested = (name: string) =>
        keys(
          (carrierSchema.properties as Record<string, { anyOf: Array<{ properties: object }> }>)[name]!.anyOf[0]!
            .properties,
        );
      assert.deepEqual(keys(carrier.credentials), nested('credentials'));
      assert.deepEqual(keys(carrier.registration), nested('registration'));
      const route = (await op('POST', '/routes', { prefix: '7', carriers: [{ carrier_sid: carrier.carrier_sid }] }))
        .body.response.data;
      assert.deepEqual(keys(route), keys(carrierRouteSchema.properties));
      await op('DELETE', `/routes/${route.route_sid}`);
      await op('DELETE', `/carriers/${carrier.carrier_sid}`);
    });

    test('the carrier password and the tokens never appear in answers after creation, nor in logs', () => {
      const afterCreation = bodies.filter((b) => !b.includes('"api_token"'));
      assert.ok(afterCreation.length > 20);
      for (const b of afterCreation) assert.ok(!b.includes(PASSWORD), 'carrier password in an answer');
      const logs = f.logLines.join('\n');
      assert.ok(logs.includes('/v2/operator/carriers'), 'the scan sees operator requests');
      for (const secret of [PASSWORD, token, f.account.apiToken]) assert.ok(!logs.includes(secret), 'secret in logs');
    });
  });
}
