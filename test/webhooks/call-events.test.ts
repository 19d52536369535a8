import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { createLogger } from '../../src/logger.js';
import type { NewCallRecord } from '../../src/store/types.js';
import { callEvents } from '../../src/webhooks/call-events.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { startHarness, waitFor } from '../support/gateway-harness.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const base: NewCallRecord = {
  callId: 'c1',
  accountSid: 'acc',
  trunkSid: 'tr',
  direction: 'termination',
  caller: '+1',
  callee: '+2',
  sourceIp: '127.0.0.2',
  sourcePort: 5060,
  transport: 'udp',
  finalCode: 200,
  cause: 'completed',
  destination: 'sip:carrier',
  startedAt: '2026-01-01T00:00:00Z',
  answeredAt: '2026-01-01T00:00:02Z',
  endedAt: '2026-01-01T00:00:12Z',
  durationMs: 10_000,
};

test('call records become call.* events: answered, failed with code and cause, none for challenges', () => {
  const answered = callEvents([base]);
  assert.deepEqual(
    answered.map((e) => e.type),
    ['call.initiated', 'call.answered', 'call.completed'],
  );
  assert.equal(answered[2]?.data.duration_ms, 10_000);
  assert.equal(new Set(answered.map((e) => e.id)).size, 3, 'each event its own id');
  const failed = callEvents([{ ...base, finalCode: 486, cause: 'busy', answeredAt: null, durationMs: null }]);
  assert.deepEqual(
    failed.map((e) => e.type),
    ['call.initiated', 'call.failed'],
  );
  assert.equal(failed[1]?.data.sip_code, 486);
  assert.equal(failed[1]?.data.cause, 'busy');
  assert.deepEqual(callEvents([{ ...base, finalCode: 407, cause: 'auth_required', answeredAt: null }]), []);
  assert.deepEqual(callEvents([{ ...base, accountSid: null }]), [], 'no account: nobody to tell');
});

test('a dead webhook endpoint does not delay calls: a call completes while the receiver hangs', async () => {
  const h = await startHarness();
  const pbx = await PstnSim.start({ host: '127.0.0.2', callerId: '+919800000001' });
  const rx = await startWebhookReceiver(() => 'hang');
  const webhooks = h.store.webhooks;
  assert.ok(webhooks);
  const dispatcher = new WebhookDispatcher(webhooks, createLogger('silent'), { pollMs: 10, timeoutMs: 20_000 });
  try {
    const t = await h.store.createTrunk({
      accountSid: h.accountSid,
      name: 'pbx',
      nsoCode: 'ANY-ANY',
      domainName: `${h.accountSid}.pstn.exotel.com`,
    });
    await h.store.addPhoneNumber(h.accountSid, t.sid, '+919800000001', 'pstn');
    await h.store.addWhitelistedIp(h.accountSid, t.sid, '127.0.0.2', 32);
    const { webhook } = await webhooks.createWebhook({
      accountSid: h.accountSid,
      trunkSid: null,
      url: rx.url,
      events: ['*'],
    });
    await h.gateway.snapshot.settled();
    dispatcher.start();
    const first = await pbx.call('+14155550123', h.access('udp'));
    assert.equal(first.status, 200, first.reason);
    // The first call's events reach the receiver, which never answers: every later POST hangs too.
    await waitFor(() => rx.received.length > 0, 10_000, 'the receiver is hanging on a POST');
    const t0 = Date.now();
    const second = await pbx.call('+14155550124', h.access('udp'));
    const ms = Date.now() - t0;
    assert.equal(second.status, 200, second.reason);
    assert.equal(second.byeStatus, 200);
    assert.ok(ms < 10_000, `call took ${ms} ms while the webhook timeout is 20 s`);
    assert.ok(rx.received.every((r) => r.answer === 'hang'));
    const types = await waitFor(
      async () => {
        await h.gateway.callLog.flush();
        const d = await webhooks.listDeliveries(h.accountSid, webhook.sid, 50);
        return d.length >= 6 && d.map((x) => x.eventType).sort();
      },
      10_000,
      'both calls in the outbox',
    );
    assert.deepEqual(types, [
      'call.answered',
      'call.answered',
      'call.completed',
      'call.completed',
      'call.initiated',
      'call.initiated',
    ]);
  } finally {
    await rx.close();
    await dispatcher.stop();
    await pbx.close();
    await h.close();
  }
});
