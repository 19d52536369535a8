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

test('a record whose progress was sent live adds only its end; media facts ride on the end event', () => {
  const media = {
    engine: 'rtpengine',
    pbx: { packets: 500 },
    carrier: { packets: 0 },
  } as unknown as NewCallRecord['media'];
  const live = callEvents([{ ...base, liveEvents: true, media }]);
  assert.deepEqual(
    live.map((e) => e.type),
    ['call.completed'],
  );
  assert.deepEqual(live[0]?.data.media, media);
  const failed = callEvents([{ ...base, liveEvents: true, finalCode: 503, cause: 'media_unavailable', media }]);
  assert.deepEqual(
    failed.map((e) => [e.type, e.data.sip_code, e.data.media]),
    [['call.failed', 503, media]],
  );
  assert.equal('media' in (callEvents([base])[2]?.data ?? {}), false, 'no media key when not anchored');
});

test('call.initiated, call.ringing and call.answered reach the outbox while the call is still up', async () => {
  const h = await startHarness();
  const pbx = await PstnSim.start({ host: '127.0.0.2', callerId: '+919800000002' });
  const webhooks = h.store.webhooks;
  assert.ok(webhooks);
  try {
    const t = await h.store.createTrunk({
      accountSid: h.accountSid,
      name: 'live',
      nsoCode: 'ANY-ANY',
      domainName: `${h.accountSid}.pstn.exotel.com`,
    });
    await h.store.addPhoneNumber(h.accountSid, t.sid, '+919800000002', 'pstn');
    await h.store.addWhitelistedIp(h.accountSid, t.sid, '127.0.0.2', 32);
    const { webhook } = await webhooks.createWebhook({
      accountSid: h.accountSid,
      trunkSid: t.sid,
      url: 'http://127.0.0.1:59/unused',
      events: ['*'],
    });
    await h.gateway.snapshot.settled();
    let ended = false;
    const call = pbx.call('+14155550125', h.access('udp'), 8000).then((r) => {
      ended = true;
      return r;
    });
    const types = async () => (await webhooks.listDeliveries(h.accountSid, webhook.sid, 50)).map((d) => d.eventType);
    const progress = await waitFor(
      async () => {
        const x = await types();
        return x.includes('call.answered') && x;
      },
      7000,
      'call.answered in the outbox',
    );
    assert.equal(ended, false, 'the call is still up');
    assert.deepEqual([...progress].sort(), ['call.answered', 'call.initiated', 'call.ringing']);
    const delivery = (await webhooks.listDeliveries(h.accountSid, webhook.sid, 50)).find(
      (d) => d.eventType === 'call.ringing',
    );
    const payload = JSON.parse(delivery?.payload ?? '{}');
    assert.equal(payload.trunk_sid, t.sid);
    assert.equal(payload.data.sip_code, 180);
    assert.equal(payload.data.from, '+919800000002');
    assert.equal(payload.data.to, '+14155550125');
    const r = await call;
    assert.equal(r.status, 200, r.reason);
    const all = await waitFor(
      async () => {
        await h.gateway.callLog.flush();
        const x = await types();
        return x.includes('call.completed') && x;
      },
      20_000,
      'call.completed in the outbox',
    );
    assert.deepEqual([...all].sort(), ['call.answered', 'call.completed', 'call.initiated', 'call.ringing']);
  } finally {
    await pbx.close();
    await h.close();
  }
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
        return d.length >= 8 && d.map((x) => x.eventType).sort();
      },
      10_000,
      'both calls in the outbox',
    );
    // call.ringing since events are sent as calls progress (the simulator answers after a 180).
    assert.deepEqual(types, [
      'call.answered',
      'call.answered',
      'call.completed',
      'call.completed',
      'call.initiated',
      'call.initiated',
      'call.ringing',
      'call.ringing',
    ]);
  } finally {
    await rx.close();
    await dispatcher.stop();
    await pbx.close();
    await h.close();
  }
});
