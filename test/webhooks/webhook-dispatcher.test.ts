import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhookSignature } from '../../src/index.js';
import { createLogger } from '../../src/logger.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';
import { makeFixture, type Fixture } from '../store/store-fixtures.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture('sqlite');
});
after(() => fx.cleanup());

const log = createLogger('silent');
const retry = { baseMs: 20, maxMs: 100, giveUpAfterMs: 60_000 };
const event = (accountSid: string, n: number) => ({
  id: `evt_${n}`,
  type: 'trunk.updated',
  accountSid,
  trunkSid: null,
  createdAt: '2026-01-01T00:00:00Z',
  data: { n },
});

test('a receiver that fails, then times out, then recovers gets every event; each id accepted once', async () => {
  const { store } = await fx.fresh();
  const a = (await store.createAccount('a')).accountSid;
  // Requests 0-4 get 500, 5-7 hang past the timeout, the rest 200.
  const rx = await startWebhookReceiver((n) => (n < 5 ? 500 : n < 8 ? 'hang' : 200));
  const dispatcher = new WebhookDispatcher(store.webhooks, log, { pollMs: 10, timeoutMs: 300, retry, batch: 4 });
  try {
    const { webhook, secret } = await store.webhooks.createWebhook({
      accountSid: a,
      trunkSid: null,
      url: rx.url,
      events: ['*'],
    });
    const ids = Array.from({ length: 10 }, (_, i) => `evt_${i}`);
    await store.webhooks.enqueueEvents(
      ids.map((_, i) => event(a, i)),
      Date.now(),
    );
    dispatcher.start();
    await waitFor(
      async () => {
        const d = await store.webhooks.listDeliveries(a, webhook.sid, 100);
        return d.every((x) => x.state === 'delivered') && d;
      },
      30_000,
      'every delivery delivered',
    );
    assert.deepEqual([...rx.acceptedIds()].sort(), [...ids].sort(), 'every event accepted exactly once');
    assert.ok(
      rx.received.some((r) => r.answer === 'hang'),
      'timeouts were exercised',
    );
    assert.ok(rx.received.length >= 18, `failures retried: ${rx.received.length} requests`);
    for (const r of rx.received) {
      assert.equal(r.headers['content-type'], 'application/json');
      assert.ok(verifyWebhookSignature(secret, r.headers, r.body, 300), 'SDK helper accepts it');
      assert.equal(JSON.parse(r.body).id, r.headers['vsip-event-id']);
    }
    const log2 = await store.webhooks.listDeliveries(a, webhook.sid, 100);
    assert.ok(log2.some((d) => d.attempts > 1 && d.lastStatus === 200));

    // Hand computation, as docs/webhooks.md shows it: openssl over "<timestamp>.<body>".
    const r = rx.received.at(-1)!;
    const ts = String(r.headers['vsip-timestamp']);
    const hand = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: `${ts}.${r.body}` })
      .toString()
      .trim()
      .split(' ')
      .at(-1);
    assert.equal(r.headers['vsip-signature'], `v1=${hand}`);

    // Tampering, a wrong secret and a stale timestamp are refused.
    assert.equal(verifyWebhookSignature(secret, r.headers, `${r.body} `, 300), false);
    assert.equal(verifyWebhookSignature('whsec_other', r.headers, r.body, 300), false);
    assert.equal(verifyWebhookSignature(secret, r.headers, r.body, 300, Number(ts) + 301), false);
    assert.equal(verifyWebhookSignature(secret, {}, r.body, 300), false);
  } finally {
    await dispatcher.stop();
    await rx.close();
  }
});

test('a delivery still failing past the retry window is marked failed; redeliver sends it again', async () => {
  const { store } = await fx.fresh();
  const a = (await store.createAccount('a')).accountSid;
  let up = false;
  const rx = await startWebhookReceiver(() => (up ? 204 : 503));
  const dispatcher = new WebhookDispatcher(store.webhooks, log, {
    pollMs: 10,
    timeoutMs: 300,
    retry: { baseMs: 10, maxMs: 20, giveUpAfterMs: 200 },
  });
  try {
    const { webhook } = await store.webhooks.createWebhook({
      accountSid: a,
      trunkSid: null,
      url: rx.url,
      events: ['*'],
    });
    await store.webhooks.enqueueEvents([event(a, 1)], Date.now());
    dispatcher.start();
    const [failed] = await waitFor(
      async () => {
        const d = await store.webhooks.listDeliveries(a, webhook.sid, 10);
        return d[0]?.state === 'failed' && d;
      },
      20_000,
      'failed',
    );
    assert.equal(failed?.lastStatus, 503);
    assert.equal(failed?.lastError, 'HTTP 503');
    up = true;
    await store.webhooks.redeliver(a, webhook.sid, failed!.id, Date.now());
    await waitFor(async () => (await store.webhooks.listDeliveries(a, webhook.sid, 10))[0]?.state === 'delivered');
    assert.deepEqual(rx.acceptedIds(), ['evt_1']);
  } finally {
    await dispatcher.stop();
    await rx.close();
  }
});

test('two API nodes on one store never both send a delivery', async () => {
  const f = await fx.fresh();
  const other = await fx.reopen(f);
  const a = (await f.store.createAccount('a')).accountSid;
  const rx = await startWebhookReceiver(() => 200);
  const nodes = [f.store, other].map(
    (s) => new WebhookDispatcher(s.webhooks, log, { pollMs: 5, timeoutMs: 2000, retry, batch: 3 }),
  );
  try {
    const { webhook } = await f.store.webhooks.createWebhook({
      accountSid: a,
      trunkSid: null,
      url: rx.url,
      events: ['*'],
    });
    await f.store.webhooks.enqueueEvents(
      Array.from({ length: 40 }, (_, i) => event(a, i)),
      Date.now(),
    );
    for (const n of nodes) n.start();
    await waitFor(
      async () => (await f.store.webhooks.listDeliveries(a, webhook.sid, 100)).every((d) => d.state === 'delivered'),
      30_000,
      'all delivered',
    );
    assert.equal(rx.received.length, 40, 'no delivery sent twice');
    assert.equal(new Set(rx.acceptedIds()).size, 40);
    assert.ok(
      nodes.every((n) => n.delivered > 0),
      `both nodes sent: ${nodes.map((n) => n.delivered)}`,
    );
  } finally {
    for (const n of nodes) await n.stop();
    await rx.close();
  }
});
