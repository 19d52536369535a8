import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp, startSipp } from '../support/sipp.js';
import { freePort, portBound } from '../support/ports.js';
import { startCarrierUas, type CarrierUas } from '../support/carrier-uas.js';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import type { NewCallRecord } from '../../src/store/types.js';
import { credentials, MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * Inbound from carriers: accepted from a carrier's source addresses, or as a call to the Contact
 * vsip registered with a carrier (sipp as the carrier's registrar), and from nobody else (403
 * unknown_carrier).
 */
let h: Harness;
let api: ApiClient;
let pbx: CarrierUas;
const NUMBER = '+15550002001';
const plan = new MemoryPlanSource([], []);
const records: NewCallRecord[] = [];
const onCall = (m: unknown): void => {
  records.push(m as NewCallRecord);
};

before(async () => {
  subscribe('vsip:gateway:call', onCall);
  h = await startHarness({ carrierPlan: plan, tuning: { carrierRegistration: { retryMinMs: 200 } } });
  api = await ApiClient.create(h);
  pbx = await startCarrierUas();
  const t = await api.createTrunk('in');
  await api.mapNumber(t, NUMBER);
  await api.addDestinations(t, [{ destination: `127.0.0.1:${pbx.port};transport=tcp` }]);
  await h.gateway.snapshot.settled();
});
after(async () => {
  unsubscribe('vsip:gateway:call', onCall);
  await pbx.close();
  await api.close();
  await h.close();
});

test("inbound: a carrier's source CIDR is accepted, anyone else gets 403 unknown_carrier", async () => {
  plan.set([testCarrier('src', [['sip:127.0.0.6', 0, 1]], { sourceCidrs: ['127.0.0.6/31'] })], []);
  const carrier = await PstnSim.start({ host: '127.0.0.7' });
  const stranger = await PstnSim.start({ host: '127.0.0.8' });
  try {
    const ok = await carrier.call(NUMBER, h.carrierSide('udp'));
    assert.equal(ok.status, 200, 'from 127.0.0.7, inside 127.0.0.6/31');
    const r = await stranger.call(NUMBER, h.carrierSide('udp'));
    assert.equal(r.status, 403);
    const rec = await waitFor(() => records.find((x) => x.sourceIp === '127.0.0.8'));
    assert.equal(rec.cause, 'unknown_carrier');
    assert.equal(rec.trunkSid, null, 'nothing about the number is looked at');
  } finally {
    await Promise.all([carrier.close(), stranger.close()]);
  }
});

test("inbound: vsip registers (challenge, refresh); the carrier's call to its Contact is routed", async () => {
  const port = await freePort('127.0.0.5');
  const registrar = startSipp({ scenario: 'carrier-registrar.xml', localIp: '127.0.0.5', localPort: port });
  try {
    await portBound(port, '127.0.0.5', 'udp');
    const reg = testCarrier('reg', [[`sip:127.0.0.5:${port}`, 0, 1]], {
      credentials: credentials('acme', 's3cret'),
      registration: { registrarUri: `sip:127.0.0.5:${port}`, expires: 120, contactUser: 'vsip-reg-1' },
    });
    plan.set([reg], []);
    // Registered for 2 s, then refreshed before that ran out: bound for 30 s.
    const state = await waitFor(
      () => {
        const s = h.gateway.carriers.registrations().find((x) => x.carrierName === 'reg');
        return s !== undefined && s.state === 'registered' && (s.expiresAt ?? 0) - Date.now() > 10_000 ? s : undefined;
      },
      10_000,
      'registered and refreshed',
    );
    assert.equal(state.lastResult, 200);
    assert.match(await h.metrics.getSingleMetricAsString('vsip_carrier_registered'), /\{carrier="reg"\} 1/);
    assert.match(state.contact, /^sip:vsip-reg-1@127\.0\.0\.1:\d+$/);
    const r = await registrar.done;
    assert.equal(r.code, 0, r.output.slice(-3000));

    // The carrier calls the Contact from an address that is no source of any carrier.
    const inbound = await runSipp({
      scenario: 'carrier-call-contact.xml',
      remote: `127.0.0.1:${h.carrierSide('udp').port}`,
      localIp: '127.0.0.9',
      service: 'vsip-reg-1',
      keys: { caller: '+14155550100', host: '127.0.0.1', dialled: NUMBER },
    });
    assert.equal(inbound.code, 0, inbound.output.slice(-3000));
    assert.equal(pbx.stats.answered >= 1, true);
    const rec = await waitFor(() => records.find((x) => x.sourceIp === '127.0.0.9' && x.cause === 'completed'));
    assert.equal(rec.carrier, 'reg');
    assert.equal(rec.callee, NUMBER);
  } finally {
    registrar.kill();
  }
});
