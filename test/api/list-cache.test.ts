import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListCache } from '../../src/api/list-cache.js';
import { apiFixture, STORE_KINDS, stopSharedPostgres, type ApiFixture } from './api-fixture.js';

after(stopSharedPostgres);

test('ListCache: a read that started before an invalidation is not stored; TTL bounds staleness', () => {
  const cache = new ListCache(1000);
  const gen = cache.generation('T1');
  cache.invalidate('T1'); // a write lands while the read is in flight
  cache.set('T1', '/a', 'old', gen, 0);
  assert.equal(cache.get('T1', '/a', 0), undefined);
  cache.set('T1', '/a', 'new', cache.generation('T1'), 0);
  assert.equal(cache.get('T1', '/a', 999), 'new');
  assert.equal(cache.get('T1', '/a', 1000), undefined);
  cache.set('T2', '/b', 'other', cache.generation('T2'), 0);
  cache.invalidate('T1');
  assert.equal(cache.get('T2', '/b', 0), 'other', 'other trunks keep their pages');
  const off = new ListCache(0);
  off.set('T1', '/a', 'x', 0, 0);
  assert.equal(off.get('T1', '/a', 0), undefined);
});

for (const kind of STORE_KINDS) {
  describe(`cached lists stay fresh on ${kind}`, () => {
    let f: ApiFixture;
    before(async () => {
      f = await apiFixture(kind);
    });
    after(() => f.close());

    test('a change made outside the API (CLI, gateway, another process) reaches the next list', async () => {
      const trunk = await f.createTrunk('fresh');
      const path = `/trunks/${trunk}/phone-numbers`;
      assert.deepEqual((await f.api('GET', path)).body.response.data, []);
      await f.store.addPhoneNumber(f.account.accountSid, trunk, '+14155550111', 'pstn');
      let seen: string[] = [];
      for (let i = 0; i < 50 && seen.length === 0; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20)); // PostgreSQL: NOTIFY is asynchronous
        seen = (await f.api('GET', path)).body.response.data.map((n: any) => n.phone_number);
      }
      assert.deepEqual(seen, ['+14155550111']);
    });

    test('every answer through the cache has its own request_id and the same page', async () => {
      const trunk = await f.createTrunk('ids');
      await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+14155550112' });
      const a = await f.api('GET', `/trunks/${trunk}/phone-numbers`);
      const b = await f.api('GET', `/trunks/${trunk}/phone-numbers`);
      assert.notEqual(a.body.request_id, b.body.request_id);
      assert.deepEqual(a.body.response, b.body.response);
      assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
      const c = await f.api('PUT', `/trunks/${trunk}/phone-numbers/${a.body.response.data[0].id}`, { mode: 'flow' });
      assert.equal(c.status, 200);
      assert.equal(
        (await f.api('GET', `/trunks/${trunk}/phone-numbers`)).body.response.data[0].mode,
        'flow',
        'reads its own write at once',
      );
    });
  });
}
