import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configEventType } from '../../../src/api/config-events.js';
import { apiFixture, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api-fixture.js';

after(stopSharedPostgres);

test('configuration event types from route patterns', () => {
  const rows: Array<[string, string, string | null]> = [
    ['POST', '/v2/accounts/:account_sid/trunks', 'trunk.created'],
    ['POST', '/v2/accounts/:account_sid/trunks/:trunk_sid', 'trunk.updated'],
    ['PUT', '/v2/accounts/:account_sid/trunks/:trunk_sid', 'trunk.updated'],
    ['DELETE', '/v2/accounts/:account_sid/trunks', 'trunk.deleted'],
    ['POST', '/v2/accounts/:account_sid/trunks/:trunk_sid/phone-numbers', 'phone_number.created'],
    ['POST', '/v2/accounts/:account_sid/trunks/:trunk_sid/phone-numbers/bulk', 'phone_number.created'],
    ['POST', '/v2/accounts/:account_sid/trunks/:trunk_sid/phone-numbers.csv', 'phone_number.created'],
    ['DELETE', '/v2/accounts/:account_sid/trunks/:trunk_sid/whitelisted-ips/:id', 'whitelisted_ip.deleted'],
    ['PUT', '/v2/accounts/:account_sid/trunks/:trunk_sid/destination-uris/:id', 'destination_uri.updated'],
    ['POST', '/v2/accounts/:account_sid/trunks/:trunk_sid/settings', 'setting.updated'],
    ['POST', '/v2/accounts/:account_sid/trunks/:trunk_sid/credentials/rotate', null],
    ['POST', '/v2/accounts/:account_sid/webhooks', null],
    ['GET', '/v2/accounts/:account_sid/trunks', null],
  ];
  for (const [m, r, want] of rows) assert.equal(configEventType(m, r), want, `${m} ${r}`);
});

for (const kind of STORE_KINDS) {
  describe(`webhooks API on ${kind}`, () => {
    let f: ApiFixture;
    before(async () => {
      f = await apiFixture(kind);
    });
    after(() => f.close());

    test('create (secret once), validate, list, get, config events, deliveries, redeliver, delete', async () => {
      for (const url of ['ftp://x/y', 'not a url', 'http://u:p@example.com/', 'javascript:alert(1)']) {
        const r = await f.api('POST', '/webhooks', { url });
        assert.equal(r.status, 400, url);
        assert.equal(r.body.response.error_data.code, 1000);
      }
      const sipPort = await f.api('POST', '/webhooks', { url: 'http://pbx.example.com:5060/route' });
      assert.equal(sipPort.status, 400, 'fetch never connects to 5060: the webhook could never be reached');
      assert.match(sipPort.body.response.error_data.description, /port 5060 is one the Fetch standard blocks/);
      assert.equal((await f.api('POST', '/webhooks', { url: 'http://127.0.0.1:59/h', events: ['nope'] })).status, 400);
      assert.equal((await f.api('POST', '/webhooks', { url: 'http://127.0.0.1:59/h', trunk_sid: 'trX' })).status, 404);

      const created = await f.api('POST', '/webhooks', { url: 'http://127.0.0.1:59/h', events: ['trunk.created'] });
      assert.equal(created.status, 200);
      const w = created.body.response.data;
      assert.match(w.secret, /^whsec_/);
      assert.deepEqual(w.events, ['trunk.created']);
      const got = await f.api('GET', `/webhooks/${w.webhook_sid}`);
      assert.equal(got.body.response.data.secret, undefined, 'secret shown only once');
      assert.deepEqual(
        (await f.api('GET', '/webhooks')).body.response.data.map((x: { webhook_sid: string }) => x.webhook_sid),
        [w.webhook_sid],
      );

      const trunk = await f.createTrunk('hooked');
      await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+14155550100' }); // not subscribed
      const log = await f.api('GET', `/webhooks/${w.webhook_sid}/deliveries`);
      assert.equal(log.status, 200);
      assert.equal(log.body.response.data.length, 1);
      const d = log.body.response.data[0];
      assert.equal((await f.api('GET', `/webhooks/${w.webhook_sid}/deliveries?limit=1`)).status, 200);
      assert.equal((await f.api('GET', `/webhooks/${w.webhook_sid}/deliveries?limit=0`)).status, 400);
      assert.equal(d.event_type, 'trunk.created');
      assert.equal(d.state, 'pending');
      assert.match(d.event_id, /^evt_/);
      const row = (await f.store.webhooks!.claimDueDeliveries(Date.now(), 10, 1000))[0];
      const payload = JSON.parse(row!.payload);
      assert.equal(payload.type, 'trunk.created');
      assert.equal(payload.trunk_sid, trunk);
      assert.equal(payload.data.result.trunk_sid, trunk);
      await f.store.webhooks!.finishDelivery(row!, { state: 'failed', status: 500, error: 'HTTP 500' });

      const again = await f.api('POST', `/webhooks/${w.webhook_sid}/deliveries/${d.delivery_id}/redeliver`);
      assert.equal(again.status, 200);
      assert.equal(again.body.response.data.state, 'pending');
      assert.equal(again.body.response.data.event_id, d.event_id);
      assert.equal((await f.api('POST', `/webhooks/${w.webhook_sid}/deliveries/wdnope/redeliver`)).status, 404);

      assert.ok(!f.logLines.join('\n').includes(w.secret), 'secret never logged');
      assert.equal((await f.api('DELETE', `/webhooks/${w.webhook_sid}`)).status, 200);
      assert.equal((await f.api('GET', `/webhooks/${w.webhook_sid}`)).status, 404);
      assert.equal((await f.api('GET', `/webhooks/${w.webhook_sid}/deliveries`)).status, 404);
      assert.equal((await f.api('DELETE', `/webhooks/${w.webhook_sid}`)).status, 404);
    });
  });
}
