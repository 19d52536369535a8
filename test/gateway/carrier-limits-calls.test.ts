import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import { startCarrierUas, type CarrierUas } from '../support/carrier-uas.js';
import { MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * Per-carrier limits through the gateway: a sipp PBX on 127.0.0.2, two carriers on one route, the
 * limits' clock held still by the test (one calls-per-second window until it moves it).
 */
const CALLER = '+919800000001';
let h: Harness;
let api: ApiClient;
let trunk: string;
let alpha: CarrierUas;
let beta: CarrierUas;
let now = 0;
const plan = new MemoryPlanSource([], []);

before(async () => {
  h = await startHarness({ carrierPlan: plan, tuning: { trunkClock: () => now } });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('pbx', CALLER, '127.0.0.2');
  [alpha, beta] = await Promise.all([startCarrierUas(), startCarrierUas()]);
});
after(async () => {
  await Promise.all([alpha.close(), beta.close()]);
  await api.close();
  await h.close();
});

const keys = (): Record<string, string> => ({ caller: CALLER, host: `${h.accountSid}.pstn.exotel.com` });

async function pbxCall(): Promise<void> {
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: keys(),
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
}

async function lastCause(): Promise<string | null> {
  await h.gateway.callLog.flush();
  const page = await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 });
  return page.items[0]?.cause ?? null;
}

test('carrier limits: a carrier over its calls/s is skipped; all over → 503 carrier_limit_exceeded', async () => {
  const a = testCarrier('alpha', [[alpha.uri(), 0, 1]], { maxCallsPerSecond: 1 });
  const b = testCarrier('beta', [[beta.uri(), 0, 1]]);
  plan.set(
    [a, b],
    [
      [
        '',
        [
          ['alpha', 0, 1],
          ['beta', 1, 1],
        ],
      ],
    ],
  );
  await pbxCall();
  assert.deepEqual([alpha.stats.answered, beta.stats.answered], [1, 0]);
  await pbxCall();
  assert.deepEqual([alpha.stats.answered, beta.stats.answered], [1, 1], 'alpha is at 1 call/s: beta carries it');

  plan.set([a], [['', [['alpha', 0, 1]]]]);
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', 503),
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { ...keys(), codecs: '0 8', maxfwd: '70' },
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, `PBX expected 503:\n${r.output.slice(-3000)}`);
  assert.equal(await lastCause(), 'carrier_limit_exceeded');
  assert.equal(alpha.stats.answered, 1, 'nothing sent to alpha over its limit');

  now += 1000;
  await pbxCall();
  assert.equal(alpha.stats.answered, 2, 'the next second, alpha again');
  assert.equal(await lastCause(), 'completed');
});

test('carrier limits: a concurrent-call slot is given back when the call ends (BYE): calls in turn fit', async () => {
  const before = [alpha.stats.answered, beta.stats.answered];
  const a = testCarrier('alpha', [[alpha.uri(), 0, 1]], { maxConcurrentCalls: 1 });
  const b = testCarrier('beta', [[beta.uri(), 0, 1]]);
  plan.set(
    [a, b],
    [
      [
        '',
        [
          ['alpha', 0, 1],
          ['beta', 1, 1],
        ],
      ],
    ],
  );
  for (let i = 0; i < 3; i++) await pbxCall();
  assert.equal(alpha.stats.answered - (before[0] ?? 0), 3, 'each call found alpha free again');
  assert.equal(beta.stats.answered, before[1], 'beta was never needed');
});
