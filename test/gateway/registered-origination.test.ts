import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipResponse } from '../../src/sip/message/types.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { RegisteringPbx } from '../support/registering-pbx.js';

/**
 * Inbound calls (PSTN simulator → carrier side) for a trunk whose PBX registered: the live
 * bindings are rung first over the flow each REGISTER came over, in parallel, then the
 * destination URIs.
 */
let h: Harness;
let api: ApiClient;
let password: string;
const NUMBER = '+919800000101';
let trunk: string;
/** The destination URI's UAS (failover): counts INVITEs. */
let fallback: RegisteringPbx;

before(async () => {
  h = await startHarness({ tuning: { proxy: { targetTimeoutMs: 1500 } } });
  api = await ApiClient.create(h);
  trunk = await api.createTrunk('regcalls', { auth_type: 'credentials', registration_enabled: true });
  await api.mapNumber(trunk, NUMBER);
  password = await api.password(trunk);
  fallback = await RegisteringPbx.open('127.0.0.9', 'tcp');
  await api.addDestinations(trunk, [{ destination: `127.0.0.9:${fallback.port};transport=tcp` }]);
  await h.gateway.snapshot.settled();
});
after(async () => {
  await fallback.close();
  await api.close();
  await h.close();
});

/** REGISTER at the gateway over the PBX's own transport, as the trunk. */
function register(p: RegisteringPbx, contact: string, expires?: number): Promise<SipResponse> {
  return p.register(
    { gateway: h.access(p.protocol), accountSid: h.accountSid, trunk, password },
    { contact, ...(expires !== undefined ? { expires } : {}) },
  );
}

async function unregisterAll(): Promise<void> {
  for (const r of await h.store.listRegistrations(trunk)) await h.store.removeRegistration(trunk, r.contact);
}

function sim() {
  const s = h.gateway.pstnSim;
  assert.ok(s);
  return s;
}

test('origination: a PBX registered over UDP behind NAT gets the call at its received address, BYE too', async () => {
  await unregisterAll();
  // The Contact (and the 200's Contact) names a private address; packets come from 127.0.0.2.
  const p = await RegisteringPbx.open('127.0.0.2', 'udp', { contactHost: '192.168.1.20' });
  try {
    assert.equal((await register(p, `<sip:pbx@192.168.1.20:${p.port}>`)).status, 200);
    // What the owner sees: GET …/registrations in the spec's envelope, paged.
    const page = await api.client.registrations.list(trunk, { pageSize: 1 });
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]?.contact, `sip:pbx@192.168.1.20:${p.port}`);
    assert.equal(page.items[0]?.received_ip, '127.0.0.2');
    assert.equal(page.items[0]?.received_port, p.port);
    assert.equal(page.items[0]?.transport, 'udp');
    assert.ok((page.items[0]?.expires_in ?? 0) > 250);
    assert.equal(page.metadata.total, 1);
    const before = fallback.invites.length;
    const call = await sim().call(NUMBER, h.carrierSide('udp'), 50);
    assert.equal(call.status, 200);
    assert.equal(p.invites.length, 1, 'the registered PBX got the INVITE');
    assert.equal(p.invites[0]?.uri, `sip:pbx@192.168.1.20:${p.port}`, 'Request-URI = the registered Contact');
    assert.equal(fallback.invites.length, before, 'the destination URI was not needed');
    assert.equal(call.byeStatus, 200, "the carrier's BYE reached the PBX over the flow");
    await waitFor(() => p.byes === 1 && p.acks >= 1, 5000, 'ACK and BYE at the PBX');
  } finally {
    await p.close();
  }
});

test('origination: a PBX registered over TCP gets the call over the same connection', async () => {
  await unregisterAll();
  const p = await RegisteringPbx.open('127.0.0.3', 'tcp');
  try {
    assert.equal((await register(p, `<sip:pbx@127.0.0.3:${p.port};transport=tcp>`)).status, 200);
    const reg = (await h.store.listRegistrations(trunk))[0];
    assert.equal(reg?.transport, 'tcp');
    assert.ok(reg?.connectionId, 'the flow (connection id) is recorded');
    assert.notEqual(reg?.sourcePort, p.port, 'the REGISTER came from an ephemeral port, not the listener');
    const call = await sim().call(NUMBER, h.carrierSide('udp'), 50);
    assert.equal(call.status, 200);
    assert.equal(p.invites.length, 1);
    assert.equal(call.byeStatus, 200);
  } finally {
    await p.close();
  }
});

test('origination: two contacts ring in parallel, the first 200 wins, the other gets CANCEL', async () => {
  await unregisterAll();
  const ringer = await RegisteringPbx.open('127.0.0.4', 'udp', { ring: true });
  const answerer = await RegisteringPbx.open('127.0.0.5', 'udp');
  try {
    assert.equal((await register(ringer, `<sip:pbx@127.0.0.4:${ringer.port}>`)).status, 200);
    assert.equal((await register(answerer, `<sip:pbx@127.0.0.5:${answerer.port}>`)).status, 200);
    const call = await sim().call(NUMBER, h.carrierSide('udp'), 20);
    assert.equal(call.status, 200);
    assert.equal(ringer.invites.length, 1);
    assert.equal(answerer.invites.length, 1);
    await waitFor(() => ringer.cancels === 1, 5000, 'CANCEL at the losing contact');
  } finally {
    await ringer.close();
    await answerer.close();
  }
});

test('origination: un-registered or expired bindings are not used; the destination URI takes the call', async () => {
  await unregisterAll();
  const p = await RegisteringPbx.open('127.0.0.6', 'udp');
  try {
    const contact = `<sip:pbx@127.0.0.6:${p.port}>`;
    assert.equal((await register(p, contact)).status, 200);
    assert.equal((await register(p, contact, 0)).status, 200);
    // A binding past its expiry that nobody pruned yet.
    await h.store.upsertRegistration({
      trunkSid: trunk,
      contact: `sip:old@127.0.0.6:${p.port}`,
      sourceIp: '127.0.0.6',
      sourcePort: p.port,
      transport: 'udp',
      userAgent: null,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const before = fallback.invites.length;
    const call = await sim().call(NUMBER, h.carrierSide('udp'));
    assert.equal(call.status, 200);
    assert.equal(p.invites.length, 0, 'no INVITE to a binding that is gone');
    assert.equal(fallback.invites.length, before + 1);
  } finally {
    await p.close();
  }
});

test('origination: a registered contact that does not answer fails over to the destination URI', async () => {
  await unregisterAll();
  const p = await RegisteringPbx.open('127.0.0.7', 'udp');
  assert.equal((await register(p, `<sip:pbx@127.0.0.7:${p.port}>`)).status, 200);
  await p.close(); // the PBX went away without un-registering
  const before = fallback.invites.length;
  const call = await sim().call(NUMBER, h.carrierSide('udp'));
  assert.equal(call.status, 200);
  assert.equal(fallback.invites.length, before + 1);
});

test('origination: a binding made at one SIP node is used by another node on the same store', async () => {
  await unregisterAll();
  const nodeB = await startHarness({ store: h.store });
  const p = await RegisteringPbx.open('127.0.0.8', 'udp');
  try {
    assert.equal((await register(p, `<sip:pbx@127.0.0.8:${p.port}>`)).status, 200); // at node A (h)
    const simB = nodeB.gateway.pstnSim;
    assert.ok(simB);
    const call = await simB.call(NUMBER, nodeB.carrierSide('udp'), 20); // enters node B
    assert.equal(call.status, 200);
    assert.equal(p.invites.length, 1, 'node B found the binding node A made');
  } finally {
    await p.close();
    await nodeB.close();
  }
});
