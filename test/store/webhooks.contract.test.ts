import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from './store-fixtures.js';
import type { Fixture, Kind } from './store-fixtures.js';
import type { WebhookEvent } from '../../src/store/webhook-types.js';

const ev = (accountSid: string, type: string, trunkSid: string | null, n: number): WebhookEvent => ({
  id: `evt_${n}`,
  type,
  accountSid,
  trunkSid,
  createdAt: '2026-01-01T00:00:00Z',
  data: { n },
});

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`webhooks on ${kind}`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture(kind);
    });
    after(() => fx.cleanup());

    test('subscriptions: secret encrypted at rest, filtered fan-out, lease claims, outcomes, redeliver', async () => {
      const { store } = await fx.fresh();
      const a = (await store.createAccount('a')).accountSid;
      const b = (await store.createAccount('b')).accountSid;
      const all = await store.webhooks.createWebhook({
        accountSid: a,
        trunkSid: null,
        url: 'http://x/a',
        events: ['*'],
      });
      const onlyT = await store.webhooks.createWebhook({
        accountSid: a,
        trunkSid: 'trT',
        url: 'http://x/t',
        events: ['call.completed'],
      });
      assert.match(all.secret, /^whsec_/);
      const raw = await store.db
        .selectFrom('webhooks')
        .select('secret_enc')
        .where('sid', '=', all.webhook.sid)
        .executeTakeFirst();
      assert.ok(raw && !raw.secret_enc.includes(all.secret), 'secret not stored in clear');
      assert.deepEqual(
        (await store.webhooks.listWebhooks(a)).map((w) => w.sid).sort(),
        [all.webhook.sid, onlyT.webhook.sid].sort(),
      );
      assert.deepEqual(await store.webhooks.listWebhooks(b), []);
      assert.equal(await store.webhooks.getWebhook(b, all.webhook.sid), null, 'other account');

      const n = await store.webhooks.enqueueEvents(
        [
          ev(a, 'call.completed', 'trT', 1),
          ev(a, 'call.completed', 'trU', 2),
          ev(a, 'trunk.updated', 'trT', 3),
          ev(b, 'x', null, 4),
        ],
        1000,
      );
      assert.equal(n, 4, 'all 3 of a to the * hook, 1 to the trunk hook, none of b');

      // Two nodes race: every row is claimed exactly once.
      const [c1, c2] = await Promise.all([
        store.webhooks.claimDueDeliveries(1000, 10, 500),
        store.webhooks.claimDueDeliveries(1000, 10, 500),
      ]);
      assert.equal(c1.length + c2.length, 4);
      assert.equal(new Set([...c1, ...c2].map((d) => d.id)).size, 4);
      const claimed = [...c1, ...c2];
      assert.equal(claimed.find((d) => d.webhookSid === all.webhook.sid)?.secret, all.secret);
      assert.deepEqual(await store.webhooks.claimDueDeliveries(1200, 10, 500), [], 'leased');

      const [d1, d2, d3, d4] = claimed as [
        (typeof claimed)[0],
        (typeof claimed)[0],
        (typeof claimed)[0],
        (typeof claimed)[0],
      ];
      assert.equal(await store.webhooks.finishDelivery(d1, { state: 'delivered', status: 200, error: null }), true);
      assert.equal(
        await store.webhooks.finishDelivery(d2, {
          state: 'pending',
          nextAttemptMs: 3000,
          status: 500,
          error: 'HTTP 500',
        }),
        true,
      );
      await store.webhooks.finishDelivery(d3, { state: 'failed', status: null, error: 'timeout' });
      // d4's lease expires (its node died): another node takes it, and the dead node's late result is refused.
      const again = await store.webhooks.claimDueDeliveries(1600, 10, 500);
      assert.deepEqual(
        again.map((d) => d.id),
        [d4.id],
      );
      assert.equal(await store.webhooks.finishDelivery(d4, { state: 'delivered', status: 200, error: null }), false);
      assert.equal(
        await store.webhooks.finishDelivery(again[0]!, { state: 'delivered', status: 200, error: null }),
        true,
      );
      const retry = await store.webhooks.claimDueDeliveries(3000, 10, 500);
      assert.deepEqual(
        retry.map((d) => d.id),
        [d2.id],
      );
      assert.equal(retry[0]?.attempts, 1);
      await store.webhooks.finishDelivery(retry[0]!, { state: 'delivered', status: 204, error: null });

      const log = await store.webhooks.listDeliveries(a, d3.webhookSid, 50);
      const d3row = log.find((d) => d.id === d3.id);
      assert.equal(d3row?.state, 'failed');
      assert.equal(d3row?.attempts, 1);
      assert.equal(await store.webhooks.redeliver(b, d3.webhookSid, d3.id, 5000), null, 'other account');
      assert.equal((await store.webhooks.redeliver(a, d3.webhookSid, d3.id, 5000))?.state, 'pending');
      assert.deepEqual(
        (await store.webhooks.claimDueDeliveries(5000, 10, 500)).map((d) => d.id),
        [d3.id],
      );

      // Pruning keeps what may still be sent: d3 is pending again.
      assert.equal(await store.webhooks.pruneDeliveries(2000), 3, 'the three delivered, not the pending one');
      assert.equal(await store.webhooks.pruneDeliveries(2000), 0);
      assert.equal(await store.webhooks.deleteWebhook(b, all.webhook.sid), false);
      assert.equal(await store.webhooks.deleteWebhook(a, all.webhook.sid), true);
      assert.deepEqual(await store.webhooks.listDeliveries(a, all.webhook.sid, 50), []);
    });
  });
}
