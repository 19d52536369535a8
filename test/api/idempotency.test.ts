import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsRegistry } from '../../src/metrics.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { apiFixture, STORE_KINDS, stopSharedPostgres, type ApiFixture } from './api-fixture.js';
import { expectFailure } from './expect-failure.js';

after(stopSharedPostgres);

for (const kind of STORE_KINDS) {
  describe(`Idempotency-Key on ${kind}`, () => {
    let f: ApiFixture;
    /** A second API node on the same database. */
    let store2: Store;
    let app2: FastifyInstance;
    before(async () => {
      f = await apiFixture(kind);
      store2 = await openStore({ dataDir: f.config.dataDir, databaseUrl: f.config.databaseUrl, secretKey: null });
      app2 = await buildApp({
        store: store2,
        config: f.config,
        logger: createLogger('silent'),
        metrics: createMetricsRegistry(),
      });
    });
    after(async () => {
      await app2.close();
      await store2.close();
      await f.close();
    });

    const trunkBody = (name: string) => ({
      trunk_name: name,
      nso_code: 'ANY-ANY',
      domain_name: `${f.account.accountSid}.${f.config.sipDomain}`,
    });
    const post = (app: FastifyInstance, path: string, body: unknown, key: string) =>
      app.inject({
        method: 'POST',
        url: `/v2/accounts/${f.account.accountSid}${path}`,
        headers: { authorization: f.auth, 'content-type': 'application/json', 'idempotency-key': key },
        payload: JSON.stringify(body),
      });
    const trunkNames = async () =>
      ((await f.api('GET', '/trunks?page_size=100')).body.response.data as Array<{ trunk_name: string }>).map(
        (t) => t.trunk_name,
      );

    test('a retry with the same key and body replays the first answer; nothing is created twice', async () => {
      const first = await post(f.app, '/trunks', trunkBody('idem_a'), 'key-a');
      assert.equal(first.statusCode, 200);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      const again = await post(f.app, '/trunks', trunkBody('idem_a'), 'key-a');
      assert.equal(again.statusCode, 200);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body, 'the very same answer, request_id included');
      // and on another API node
      const elsewhere = await post(app2, '/trunks', trunkBody('idem_a'), 'key-a');
      assert.equal(elsewhere.body, first.body);
      assert.deepEqual(
        (await trunkNames()).filter((n) => n === 'idem_a'),
        ['idem_a'],
      );
    });

    test('the same key with another body or path is a 422; other accounts have their own keys', async () => {
      await post(f.app, '/trunks', trunkBody('idem_b'), 'key-b');
      const other = await post(f.app, '/trunks', trunkBody('idem_b2'), 'key-b');
      expectFailure({ status: other.statusCode, body: other.json() }, 422, 1040, /another request/);
      const trunkSid = JSON.parse((await post(f.app, '/trunks', trunkBody('idem_b'), 'key-b')).body).response.data
        .trunk_sid as string;
      const path = await post(f.app, `/trunks/${trunkSid}/whitelisted-ips`, { ip: '127.0.0.1', mask: 32 }, 'key-b');
      assert.equal(path.statusCode, 422);
      assert.ok(!(await trunkNames()).includes('idem_b2'));
    });

    test('a 4xx answer is kept too, but a request failing validation claims nothing', async () => {
      const invalid = await post(f.app, '/trunks', { trunk_name: 'bad name!' }, 'key-c');
      assert.equal(invalid.statusCode, 400);
      const fixed = await post(f.app, '/trunks', trunkBody('idem_c'), 'key-c');
      assert.equal(fixed.statusCode, 200, fixed.body);
      const conflict = await post(f.app, '/trunks', trunkBody('idem_c'), 'key-c2');
      assert.equal(conflict.statusCode, 409);
      const replay = await post(f.app, '/trunks', trunkBody('idem_c'), 'key-c2');
      assert.equal(replay.statusCode, 409);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      const bad = await post(f.app, '/trunks', trunkBody('idem_x'), 'has space');
      expectFailure({ status: bad.statusCode, body: bad.json() }, 400, 1000, /Idempotency-Key/);
    });

    test('race: concurrent duplicates on two API nodes wait for the first and get its answer', async () => {
      for (let round = 0; round < 3; round++) {
        const name = `idem_race${round}`;
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => post(i % 2 === 0 ? f.app : app2, '/trunks', trunkBody(name), name)),
        );
        assert.deepEqual(
          answers.map((a) => a.statusCode),
          Array(8).fill(200),
          answers.map((a) => a.body).join('\n'),
        );
        assert.equal(new Set(answers.map((a) => a.body)).size, 1, 'one answer for all');
        assert.equal(answers.filter((a) => a.headers['idempotent-replayed'] === undefined).length, 1);
        assert.deepEqual(
          (await trunkNames()).filter((n) => n === name),
          [name],
        );
      }
    });

    test('the operator API keeps its own keys: a retried account creation makes one account', async () => {
      const token = (await f.store.createOperatorToken('idempotency')).secret;
      const create = () =>
        f.app.inject({
          method: 'POST',
          url: '/v2/operator/accounts',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'op-1' },
          payload: JSON.stringify({ name: 'idem_operator' }),
        });
      const first = await create();
      assert.equal(first.statusCode, 200, first.body);
      const again = await create();
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body);
      const named = (await f.store.listAccounts()).filter((a) => a.name === 'idem_operator');
      assert.equal(named.length, 1);
    });

    test('the header is documented on every POST', async () => {
      const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const posts = Object.values(doc.paths as Record<string, Record<string, any>>)
        .map((p) => p.post)
        .filter((p) => p !== undefined);
      assert.ok(posts.length >= 5);
      for (const p of posts) {
        assert.ok(
          (p.parameters ?? []).some((x: any) => x.in === 'header' && x.name === 'idempotency-key'),
          p.summary,
        );
      }
    });
  });
}
