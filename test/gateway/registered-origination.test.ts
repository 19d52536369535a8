import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import { getHeader } from '../../src/sip/message/index.js';
import { randomToken } from '../../src/sip/transaction/branch.js';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server-transaction.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import type { SipProtocol, SipTarget } from '../../src/sip/transport/transport.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

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
let fallback: Pbx;

before(async () => {
  h = await startHarness({ tuning: { proxy: { targetTimeoutMs: 1500 } } });
  api = await ApiClient.create(h);
  trunk = await api.createTrunk('regcalls', { auth_type: 'credentials', registration_enabled: true });
  await api.mapNumber(trunk, NUMBER);
  password = await api.password(trunk);
  fallback = await pbx('127.0.0.9', 'tcp');
  await api.addDestinations(trunk, [{ destination: `127.0.0.9:${fallback.port};transport=tcp` }]);
  await h.gateway.snapshot.settled();
});
after(async () => {
  await fallback.ep.close();
  await api.close();
  await h.close();
});

interface Pbx {
  ep: SipEndpoint;
  port: number;
  invites: SipRequest[];
  cancels: number;
  byes: number;
  acks: number;
  register(contact: string, expires?: number): Promise<SipResponse>;
}

/**
 * A PBX on its own address: answers INVITE (180, 200) with `contactHost` in its Contact (a private
 * address behind NAT), or only rings when `ring` is set; registers with digest.
 */
async function pbx(
  host: string,
  protocol: SipProtocol,
  o: { ring?: boolean; contactHost?: string } = {},
): Promise<Pbx> {
  const ep = await createSipEndpoint({ listen: [{ protocol, host, port: 0 }] });
  const port = ep.addresses()[0]?.port ?? 0;
  const p: Pbx = { ep, port, invites: [], cancels: 0, byes: 0, acks: 0, register: async () => ({}) as SipResponse };
  const contact = `<sip:pbx@${o.contactHost ?? host}:${port}${protocol === 'udp' ? '' : `;transport=${protocol}`}>`;
  ep.onAck(() => {
    p.acks++;
  });
  ep.onRequest((tx) => {
    const req = tx.request;
    if (req.method === 'INVITE') {
      p.invites.push(req);
      const inv = tx as InviteServerTransaction;
      inv.user = {
        cancel: () => {
          p.cancels++;
          inv.reply(487, 'Request Terminated');
        },
        transportError: () => {},
      };
      inv.reply(180, 'Ringing', { headers: [{ name: 'contact', value: contact }] });
      if (o.ring) return;
      inv.retransmit2xx = true;
      inv.reply(200, 'OK', { headers: [{ name: 'contact', value: contact }] });
    } else if (req.method === 'BYE') {
      p.byes++;
      tx.reply(200);
    } else tx.reply(200);
  });
  const gw = h.access(protocol);
  p.register = async (c: string, expires = 300) => {
    const callId = randomToken();
    const domain = `${h.accountSid}.pstn.exotel.com`;
    const make = (seq: number, auth?: string): SipRequest => ({
      kind: 'request',
      method: 'REGISTER',
      uri: `sip:${domain}`,
      version: 'SIP/2.0',
      headers: [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${trunk}@${domain}>;tag=${randomToken()}` },
        { name: 'to', value: `<sip:${trunk}@${domain}>` },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${seq} REGISTER` },
        { name: 'contact', value: c },
        { name: 'expires', value: String(expires) },
        ...(auth ? [{ name: 'authorization', value: auth }] : []),
      ],
      body: Buffer.alloc(0),
    });
    const first = await send(ep, make(1), gw);
    const challenge = getHeader(first, 'www-authenticate') ?? '';
    const auth = answerChallenge({ challenge, method: 'REGISTER', uri: `sip:${domain}`, username: trunk, password });
    return send(ep, make(2, auth), gw);
  };
  return p;
}

function send(ep: SipEndpoint, req: SipRequest, target: SipTarget): Promise<SipResponse> {
  return new Promise((resolve, reject) => {
    ep.sendRequest(req, target, {
      provisional: () => {},
      final: (res: SipResponse) => resolve(res),
      timeout: () => reject(new Error('timeout')),
      transportError: (err) => reject(err),
    });
  });
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
  const p = await pbx('127.0.0.2', 'udp', { contactHost: '192.168.1.20' });
  try {
    assert.equal((await p.register(`<sip:pbx@192.168.1.20:${p.port}>`)).status, 200);
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
    await p.ep.close();
  }
});

test('origination: a PBX registered over TCP gets the call over the same connection', async () => {
  await unregisterAll();
  const p = await pbx('127.0.0.3', 'tcp');
  try {
    assert.equal((await p.register(`<sip:pbx@127.0.0.3:${p.port};transport=tcp>`)).status, 200);
    const reg = (await h.store.listRegistrations(trunk))[0];
    assert.equal(reg?.transport, 'tcp');
    assert.ok(reg?.connectionId, 'the flow (connection id) is recorded');
    assert.notEqual(reg?.sourcePort, p.port, 'the REGISTER came from an ephemeral port, not the listener');
    const call = await sim().call(NUMBER, h.carrierSide('udp'), 50);
    assert.equal(call.status, 200);
    assert.equal(p.invites.length, 1);
    assert.equal(call.byeStatus, 200);
  } finally {
    await p.ep.close();
  }
});

test('origination: two contacts ring in parallel, the first 200 wins, the other gets CANCEL', async () => {
  await unregisterAll();
  const ringer = await pbx('127.0.0.4', 'udp', { ring: true });
  const answerer = await pbx('127.0.0.5', 'udp');
  try {
    assert.equal((await ringer.register(`<sip:pbx@127.0.0.4:${ringer.port}>`)).status, 200);
    assert.equal((await answerer.register(`<sip:pbx@127.0.0.5:${answerer.port}>`)).status, 200);
    const call = await sim().call(NUMBER, h.carrierSide('udp'), 20);
    assert.equal(call.status, 200);
    assert.equal(ringer.invites.length, 1);
    assert.equal(answerer.invites.length, 1);
    await waitFor(() => ringer.cancels === 1, 5000, 'CANCEL at the losing contact');
  } finally {
    await ringer.ep.close();
    await answerer.ep.close();
  }
});

test('origination: un-registered or expired bindings are not used; the destination URI takes the call', async () => {
  await unregisterAll();
  const p = await pbx('127.0.0.6', 'udp');
  try {
    const contact = `<sip:pbx@127.0.0.6:${p.port}>`;
    assert.equal((await p.register(contact)).status, 200);
    assert.equal((await p.register(contact, 0)).status, 200);
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
    await p.ep.close();
  }
});

test('origination: a registered contact that does not answer fails over to the destination URI', async () => {
  await unregisterAll();
  const p = await pbx('127.0.0.7', 'udp');
  assert.equal((await p.register(`<sip:pbx@127.0.0.7:${p.port}>`)).status, 200);
  await p.ep.close(); // the PBX went away without un-registering
  const before = fallback.invites.length;
  const call = await sim().call(NUMBER, h.carrierSide('udp'));
  assert.equal(call.status, 200);
  assert.equal(fallback.invites.length, before + 1);
});

test('origination: a binding made at one SIP node is used by another node on the same store', async () => {
  await unregisterAll();
  const nodeB = await startHarness({ store: h.store });
  const p = await pbx('127.0.0.8', 'udp');
  try {
    assert.equal((await p.register(`<sip:pbx@127.0.0.8:${p.port}>`)).status, 200); // at node A (h)
    const simB = nodeB.gateway.pstnSim;
    assert.ok(simB);
    const call = await simB.call(NUMBER, nodeB.carrierSide('udp'), 20); // enters node B
    assert.equal(call.status, 200);
    assert.equal(p.invites.length, 1, 'node B found the binding node A made');
  } finally {
    await p.ep.close();
    await nodeB.close();
  }
});
