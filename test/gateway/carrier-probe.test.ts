import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp } from '../support/sipp.js';
import { startCarrierUas, type CarrierUas } from '../support/carrier-uas.js';
import { MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * OPTIONS probing end to end: a carrier URI that stops answering OPTIONS is marked down within a
 * few probe intervals and calls skip it at once (no attempt, no timeout), then it is used again once
 * it answers. Probing every 200 ms, down after 2 failures, up after 1 answer.
 */
const CALLER = '+919800000001';
let h: Harness;
let api: ApiClient;
let trunk: string;
const plan = new MemoryPlanSource([], []);

before(async () => {
  h = await startHarness({
    carrierPlan: plan,
    tuning: { carrierProbe: { intervalMs: 200, timeoutMs: 300, downAfter: 2, upAfter: 1 } },
  });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('pbx', CALLER, '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
});

async function call(): Promise<Array<{ carrier: string; code: unknown }>> {
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { caller: CALLER, host: `${h.accountSid}.pstn.exotel.com` },
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  await h.gateway.callLog.flush();
  const c = (await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 })).items[0];
  return JSON.parse(c?.carrierAttempts ?? '[]');
}

const state = (name: string) => h.gateway.carriers.uris().find((u) => u.carrierName === name);

test('probing: a URI that stops answering OPTIONS is skipped at once, and used again after it recovers', async () => {
  let first: CarrierUas = await startCarrierUas();
  const second = await startCarrierUas();
  try {
    const port = first.port;
    const a = testCarrier('first', [[first.uri(), 0, 1]], { probe: true });
    const b = testCarrier('second', [[second.uri(), 0, 1]], { probe: true });
    plan.set(
      [a, b],
      [
        [
          '',
          [
            ['first', 0, 1],
            ['second', 1, 1],
          ],
        ],
      ],
    );
    await waitFor(() => state('first')?.lastResult === 200 && state('second')?.lastResult === 200, 10_000);
    assert.deepEqual(
      (await call()).map((x) => [x.carrier, x.code]),
      [['first', 200]],
    );

    await first.close();
    await waitFor(() => state('first')?.up === false, 10_000, 'probe state');
    const metrics = await h.metrics.getSingleMetricAsString('vsip_carrier_uri_up');
    assert.match(metrics, new RegExp(`vsip_carrier_uri_up\\{carrier="first",uri="sip:127.0.0.1:${port}"\\} 0`));
    assert.match(metrics, /vsip_carrier_uri_up\{carrier="second",uri="[^"]+"\} 1/);
    const attempts = await call();
    assert.deepEqual(
      attempts.map((x) => [x.carrier, x.code]),
      [['second', 200]],
      'the down URI is not tried (so no timeout is waited for)',
    );

    first = await startCarrierUas({}, '127.0.0.1', port);
    await waitFor(() => state('first')?.up === true, 10_000, 'probe state');
    assert.deepEqual(
      (await call()).map((x) => [x.carrier, x.code]),
      [['first', 200]],
    );
    assert.equal(first.stats.answered, 1);
  } finally {
    await first.close().catch(() => {});
    await second.close();
  }
});
