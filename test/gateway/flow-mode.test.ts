import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { verifyWebhookSignature } from '../../src/client/verify-webhook-signature.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { CLOSED_PORT } from '../support/ports.js';
import { runSipp } from '../support/sipp.js';
import { startFlowReceiver, type FlowReceiver, type FlowReply } from '../support/flow-receiver.js';

/**
 * Flow mode end to end: the PSTN simulator as the carrier calls a `mode: flow` number on the carrier
 * side, vsip POSTs to a real HTTP call-routing webhook and follows its answer to simulator PBXs over
 * TCP; a slow or hostile webhook falls back to the trunk's destination URIs.
 */
const TIMEOUT_MS = 2000;
let h: Harness;
let api: ApiClient;
let carrier: PstnSim;
let pbx: PstnSim;
let busy: PstnSim;
let hook: FlowReceiver;
let seq = 0;
let reply: FlowReply = 'hang';

const pbxDest = (sim: PstnSim): string => `127.0.0.21:${sim.addresses()[0]?.port};transport=tcp`;
const busyDest = (sim: PstnSim): string => `127.0.0.22:${sim.addresses()[0]?.port};transport=tcp`;

before(async () => {
  h = await startHarness({ flags: { sipDestinationTimeout: '1000', flowTimeoutMs: String(TIMEOUT_MS) } });
  api = await ApiClient.create(h);
  carrier = await PstnSim.start();
  pbx = await PstnSim.start({ host: '127.0.0.21', protocols: ['tcp'] });
  busy = await PstnSim.start({ host: '127.0.0.22', protocols: ['tcp'] });
  busy.endpoint.onRequest((tx) => tx.reply(486, 'Busy Here'));
  hook = await startFlowReceiver(() => reply);
});
after(async () => {
  await Promise.all([carrier.close(), pbx.close(), busy.close(), hook.close()]);
  await api.close();
  await h.close();
});

/** A trunk whose number is in mode flow; `fallbackTo` its destination URI (the trunk's own route). */
async function flowTrunk(number: string, o: { fallbackTo?: string; hook?: boolean } = {}) {
  const t = await api.createTrunk(`flow${++seq}`);
  await api.client.phoneNumbers.add(t, { phone_number: number, mode: 'flow' });
  if (o.fallbackTo !== undefined) await api.addDestinations(t, [{ destination: o.fallbackTo }]);
  const secret =
    o.hook === false
      ? ''
      : (await api.client.webhooks.create({ url: hook.url, events: ['call.route'], trunk_sid: t })).secret;
  await h.gateway.snapshot.settled();
  return { trunk: t, secret };
}

async function lastCall(t: string) {
  return waitFor(async () => (await api.calls(t))[0]);
}

test('flow: no call-routing webhook: the trunk destination URIs, and flow_note says why', async () => {
  const { trunk } = await flowTrunk('+15550003001', { fallbackTo: pbxDest(pbx), hook: false });
  const r = await carrier.call('+15550003001', h.carrierSide('udp'));
  assert.equal(r.status, 200, r.reason);
  const c = await lastCall(trunk);
  assert.equal(c.cause, 'completed');
  assert.equal(c.destination, pbxDest(pbx));
  assert.match(String(c.flow_note), /no call-routing webhook.*fallback: the trunk's destination URIs/);
});

test('flow: dial in order: a signed POST with the call facts, then the destinations it names', async () => {
  const dead = CLOSED_PORT; // TCP: refused at once
  const { trunk, secret } = await flowTrunk('+15550003002', { fallbackTo: busyDest(busy) });
  reply = { json: { action: 'dial', destinations: [`127.0.0.1:${dead};transport=tcp`, pbxDest(pbx)] } };
  const before = hook.received.length;
  const answered = pbx.answered;
  const r = await carrier.call('+15550003002', h.carrierSide('udp'));
  assert.equal(r.status, 200, r.reason);
  assert.equal(r.byeStatus, 200);
  assert.equal(pbx.answered, answered + 1);
  const req = hook.received[before];
  assert.ok(req !== undefined);
  assert.equal(hook.received.length, before + 1, 'one POST per call, no retry');
  assert.ok(verifyWebhookSignature(secret, req.headers, req.raw), 'signed with the webhook secret');
  assert.equal(req.body.type, 'call.route');
  assert.equal(req.body.trunk_sid, trunk);
  assert.equal(req.body.data.to, '+15550003002');
  assert.equal(req.body.data.from, '+14155550100');
  assert.equal(req.body.data.direction, 'origination');
  const c = await waitFor(async () => {
    const x = await lastCall(trunk);
    return x.cause === 'completed' ? x : undefined;
  });
  assert.equal(c.destination, pbxDest(pbx));
  assert.match(
    String(c.flow_note),
    /^call-routing webhook: dial in order 127\.0\.0\.1:\d+;transport=tcp, 127\.0\.0\.21/,
  );
});

test('flow: dial in parallel rings all at once (a busy one does not end the call); in order it does', async () => {
  const { trunk } = await flowTrunk('+15550003003');
  reply = { json: { action: 'dial', destinations: [busyDest(busy), pbxDest(pbx)], strategy: 'parallel' } };
  const r = await carrier.call('+15550003003', h.carrierSide('udp'));
  assert.equal(r.status, 200, r.reason);
  const c = await waitFor(async () => {
    const x = await lastCall(trunk);
    return x.cause === 'completed' ? x : undefined;
  });
  assert.match(String(c.flow_note), /dial in parallel/);
  reply = { json: { action: 'dial', destinations: [busyDest(busy), pbxDest(pbx)], strategy: 'sequential' } };
  const r2 = await carrier.call('+15550003003', h.carrierSide('udp'));
  assert.equal(r2.status, 486, 'in order, the first destination busy is the answer (RFC 3261 §16.7)');
});

test('flow: reject answers the carrier with the webhook code, cause flow_rejected', async () => {
  const { trunk } = await flowTrunk('+15550003004', { fallbackTo: pbxDest(pbx) });
  reply = { json: { action: 'reject', code: 603, reason: 'Decline' } };
  const r = await carrier.call('+15550003004', h.carrierSide('udp'));
  assert.equal(r.status, 603);
  const c = await lastCall(trunk);
  assert.equal(c.cause, 'flow_rejected');
  assert.equal(c.final_code, 603);
  assert.equal(c.flow_note, 'call-routing webhook: reject 603 Decline');
});

test('flow: fallback answer takes the trunk destination URIs', async () => {
  const { trunk } = await flowTrunk('+15550003005', { fallbackTo: pbxDest(pbx) });
  reply = { json: { action: 'fallback' } };
  const r = await carrier.call('+15550003005', h.carrierSide('udp'));
  assert.equal(r.status, 200, r.reason);
  const c = await lastCall(trunk);
  assert.equal(c.destination, pbxDest(pbx));
  assert.equal(c.flow_note, "call-routing webhook: fallback to the trunk's destination URIs");
});

test('flow: a webhook that never answers: fallback after the timeout, other calls go on meanwhile', async () => {
  const { trunk } = await flowTrunk('+15550003006', { fallbackTo: pbxDest(pbx) });
  const plain = await api.createTrunk(`plain${++seq}`);
  await api.mapNumber(plain, '+15550003099');
  await api.addDestinations(plain, [{ destination: pbxDest(pbx) }]);
  await h.gateway.snapshot.settled();
  reply = 'hang';
  const started = Date.now();
  let flowDone = 0;
  const flowCall = carrier.call('+15550003006', h.carrierSide('udp')).then((x) => {
    flowDone = Date.now();
    return x;
  });
  await waitFor(async () => hook.received.some((x) => x.body.data.to === '+15550003006') || undefined);
  // The flow call is waiting on its webhook: a pstn number's call is answered now, not after it.
  const other = await carrier.call('+15550003099', h.carrierSide('udp'));
  assert.equal(other.status, 200, other.reason);
  assert.equal(flowDone, 0, 'the other call finished while the flow call still waited');
  const r = await flowCall;
  assert.equal(r.status, 200, r.reason);
  assert.ok(flowDone - started >= TIMEOUT_MS - 50, `fallback after the timeout (${flowDone - started} ms)`);
  const c = await lastCall(trunk);
  assert.equal(c.destination, pbxDest(pbx));
  assert.equal(
    c.flow_note,
    `call-routing webhook did not answer within ${TIMEOUT_MS} ms; fallback: the trunk's destination URIs`,
  );
});

test('flow: hostile or broken answers fall back, each said in the call log', async () => {
  const { trunk } = await flowTrunk('+15550003007', { fallbackTo: pbxDest(pbx) });
  const cases: Array<[FlowReply, RegExp]> = [
    [{ status: 200, body: 'not json' }, /answer is not JSON/],
    [{ json: { action: 'transfer' } }, /action "transfer" is not dial, reject or fallback/],
    [{ json: { action: 'dial', destinations: ['127.0.0.1:5060;transport=tcp\r\nX: y'] } }, /not in the destination/],
    [{ json: { action: 'dial', destinations: [pbxDest(pbx)], extra: 1 } }, /unknown key "extra"/],
    [{ json: { action: 'reject', code: 200 } }, /reject needs code/],
    [{ json: { action: 'dial', destinations: new Array(11).fill(pbxDest(pbx)) } }, /1 to 10/],
    [{ status: 302, headers: { location: 'http://127.0.0.1:1/' } }, /answered HTTP 302/],
    [{ status: 500 }, /answered HTTP 500/],
    [{ status: 200, body: `{"action":"fallback","x":"${'a'.repeat(1 << 20)}"}` }, /over 16384 bytes/],
  ];
  for (const [answer, note] of cases) {
    reply = answer;
    const r = await carrier.call('+15550003007', h.carrierSide('udp'));
    assert.equal(r.status, 200, `${note}: ${r.reason}`);
    const c = await lastCall(trunk);
    assert.match(String(c.flow_note), note);
    assert.match(String(c.flow_note), /fallback: the trunk's destination URIs$/);
  }
});

test('flow: an account-wide call.route webhook routes trunks without their own', async () => {
  const { trunk } = await flowTrunk('+15550003008', { hook: false });
  const account = await startFlowReceiver(() => ({ json: { action: 'dial', destinations: [pbxDest(pbx)] } }));
  try {
    const w = await api.client.webhooks.create({ url: account.url, events: ['call.route'] });
    // An account-wide subscription to every event is no routing webhook.
    await api.client.webhooks.create({ url: hook.url, events: ['*'] });
    reply = { json: { action: 'reject', code: 404 } };
    const r = await carrier.call('+15550003008', h.carrierSide('udp'));
    assert.equal(r.status, 200, r.reason);
    assert.equal(account.received.length, 1);
    const c = await lastCall(trunk);
    assert.equal(c.destination, pbxDest(pbx));
    await api.client.webhooks.delete(w.webhook_sid);
  } finally {
    await account.close();
  }
});

test('flow: --flow-fallback reject: 480 flow_failed, explained, when the webhook fails', async () => {
  const h2 = await startHarness({ flags: { flowTimeoutMs: '300', flowFallback: 'reject' } });
  const api2 = await ApiClient.create(h2);
  try {
    const t = await api2.createTrunk('flowreject');
    await api2.client.phoneNumbers.add(t, { phone_number: '+15550003009', mode: 'flow' });
    await api2.addDestinations(t, [{ destination: pbxDest(pbx) }]);
    await api2.client.webhooks.create({ url: hook.url, events: ['call.route'], trunk_sid: t });
    await h2.gateway.snapshot.settled();
    reply = 'hang';
    const r = await carrier.call('+15550003009', h2.carrierSide('udp'));
    assert.equal(r.status, 480);
    const c = await waitFor(async () => (await api2.calls(t))[0]);
    assert.equal(c.cause, 'flow_failed');
    assert.equal(c.final_code, 480);
    assert.equal(c.flow_note, 'call-routing webhook did not answer within 300 ms; fallback: reject');
    const explained = c.explanation as { explanation: string } | null;
    assert.match(String(explained?.explanation), /call-routing webhook was missing, too slow/);
  } finally {
    await api2.close();
    await h2.close();
  }
});

test('flow: sipp as the carrier: a dialled call completes; a CANCEL while the webhook waits: 487 at once', async () => {
  const { trunk } = await flowTrunk('+15550003010', { fallbackTo: busyDest(busy) });
  reply = { json: { action: 'dial', destinations: [pbxDest(pbx)] } };
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: `127.0.0.1:${h.carrierSide('udp').port}`,
    service: '+15550003010',
    keys: { caller: '+14155550100', host: '127.0.0.1' },
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  const c = await waitFor(async () => {
    const x = await lastCall(trunk);
    return x.cause === 'completed' ? x : undefined;
  });
  assert.equal(c.destination, pbxDest(pbx));
  reply = 'hang';
  const started = Date.now();
  const cancelled = await runSipp({
    scenario: 'cancel-after-trying.xml',
    remote: `127.0.0.1:${h.carrierSide('udp').port}`,
    service: '+15550003010',
    keys: { caller: '+14155550100', host: '127.0.0.1' },
  });
  assert.equal(cancelled.code, 0, cancelled.output.slice(-3000));
  assert.ok(Date.now() - started < TIMEOUT_MS, 'the 487 did not wait for the webhook');
  const c2 = await waitFor(async () => {
    const x = await lastCall(trunk);
    return x.cause === 'cancelled' ? x : undefined;
  });
  assert.equal(c2.final_code, 487);
});
