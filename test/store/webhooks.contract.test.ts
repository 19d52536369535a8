import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from './store-fixtures.js';
import type { Fixture, Kind } from './store-fixtures.js';
import type { WebhookEvent } from '../../src/store/webhook-types.js';
import { CONFIG_EVENT_HOLD_MS, configEventScope, type ConfigEventScope } from '../../src/store/config-event-scope.js';

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

    test('a config event is written in the transaction of its change: held, released, or rolled back', async () => {
      const { store } = await fx.fresh();
      const a = (await store.createAccount('a')).accountSid;
      const hook = await store.webhooks.createWebhook({
        accountSid: a,
        trunkSid: null,
        url: 'http://x/',
        events: ['*'],
      });
      const scope = (type: string, trunkSid: string | null): ConfigEventScope => ({
        event: { id: `evt_${type}`, type, accountSid: a, trunkSid, createdAt: '2026-01-01T00:00:00Z', data: {} },
        written: false,
      });
      // A trunk created inside a scope: its event is in the outbox as soon as the change is, before any
      // answer (the process could die here), with the new trunk's sid, and held.
      const created = scope('trunk.created', null);
      const trunk = await configEventScope.run(created, () =>
        store.createTrunk({ accountSid: a, name: 't', nsoCode: 'ANY-ANY', domainName: `${a}.pstn.exotel.com` }),
      );
      assert.equal(created.written, true);
      const [row] = await store.webhooks.listDeliveries(a, hook.webhook.sid, 10);
      assert.equal(row?.eventId, 'evt_trunk.created');
      assert.equal(JSON.parse(row?.payload ?? '{}').trunk_sid, trunk.sid);
      const now = Date.now();
      assert.ok((row?.nextAttemptMs ?? 0) >= now + CONFIG_EVENT_HOLD_MS - 5000, 'held for the answer');
      assert.deepEqual(await store.webhooks.claimDueDeliveries(now, 10, 1000), [], 'not due while held');
      // Not released (the process died): it goes out when the hold expires, with what the transaction knew.
      const late = await store.webhooks.claimDueDeliveries(now + CONFIG_EVENT_HOLD_MS + 1000, 10, 1000);
      assert.deepEqual(
        late.map((d) => d.eventId),
        ['evt_trunk.created'],
      );

      // Released: the answer is filled in and it is due at once. A second write of the same request adds nothing.
      const numbers = scope('phone_number.created', trunk.sid);
      await configEventScope.run(numbers, async () => {
        await store.addPhoneNumber(a, trunk.sid, '+14155550101', 'pstn');
        await store.addPhoneNumber(a, trunk.sid, '+14155550102', 'pstn');
      });
      assert.equal(await store.webhooks.releaseHeldEvent('evt_phone_number.created', { result: 'ok' }, now), 1);
      const due = await store.webhooks.claimDueDeliveries(now, 10, 1000);
      assert.deepEqual(
        due.map((d) => [d.eventId, JSON.parse(d.payload).data]),
        [['evt_phone_number.created', { result: 'ok' }]],
      );

      // A change that fails (a duplicate number) rolls its event back with it.
      const failed = scope('phone_number.created', trunk.sid);
      await assert.rejects(
        configEventScope.run(failed, () => store.addPhoneNumber(a, trunk.sid, '+14155550101', 'pstn')),
      );
      assert.equal(failed.written, false);
      const ids = (await store.webhooks.listDeliveries(a, hook.webhook.sid, 10)).map((d) => d.eventId);
      assert.deepEqual(ids.sort(), ['evt_phone_number.created', 'evt_trunk.created']);
    });
  });
}
