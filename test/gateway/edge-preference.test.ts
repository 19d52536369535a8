import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeaderValues } from '../../src/sip/message/index.js';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server-transaction.js';
import type { SipRequest } from '../../src/sip/message/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/**
 * `edge_preference` picks the node an origination call leaves from: a call entering node B
 * (region singapore) for a trunk that prefers mumbai is handed to node A (mumbai), which sends it
 * to the PBX; both stay in the dialog. A trunk preferring B's own region is sent from B.
 */
let dir: string;
let store: Store;
let a: Harness;
let b: Harness;
let api: ApiClient;
let uas: { ep: SipEndpoint; port: number; invites: SipRequest[]; acks: number; byes: number };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vsip-edge-'));
  store = await openStore({ databaseUrl: null, dataDir: dir });
  a = await startHarness({ store, dataDir: dir, flags: { region: 'mumbai' } });
  b = await startHarness({ store, dataDir: dir, flags: { region: 'singapore' } });
  api = await ApiClient.create(a);
  const ep = await createSipEndpoint({ listen: [{ protocol: 'tcp', host: '127.0.0.9', port: 0 }] });
  uas = { ep, port: ep.addresses()[0]?.port ?? 0, invites: [], acks: 0, byes: 0 };
  ep.onAck(() => {
    uas.acks++;
  });
  ep.onRequest((tx) => {
    if (tx.request.method === 'INVITE') {
      uas.invites.push(tx.request);
      const inv = tx as InviteServerTransaction;
      inv.user = { cancel: () => inv.reply(487, 'Request Terminated'), transportError: () => {} };
      inv.retransmit2xx = true;
      inv.reply(200, 'OK', { headers: [{ name: 'contact', value: `<sip:pbx@127.0.0.9:${uas.port};transport=tcp>` }] });
    } else {
      if (tx.request.method === 'BYE') uas.byes++;
      tx.reply(200);
    }
  });
});
after(async () => {
  await uas.ep.close();
  await api.close();
  await a.close();
  await b.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A trunk preferring `region`, its number mapped, the UAS as its destination URI; settled on node B. */
async function trunkIn(region: string, number: string): Promise<void> {
  const trunk = await api.createTrunk(`edge_${region}`, { edge_preference: region });
  await api.mapNumber(trunk, number);
  await api.addDestinations(trunk, [{ destination: `127.0.0.9:${uas.port};transport=tcp` }]);
  await waitFor(() => b.gateway.snapshot.size >= 1, 5000, 'node B sees the trunk');
  await b.gateway.snapshot.settled();
}

/** The port in the Via value `i` (0 = top) of the INVITE the UAS got last. */
function viaPort(i: number): number {
  const via = getHeaderValues(uas.invites.at(-1) as SipRequest, 'via')[i] ?? '';
  return Number(/:(\d+)/.exec(via)?.[1]);
}

test('a call entering a singapore node for a trunk preferring mumbai leaves from the mumbai node', async () => {
  await trunkIn('mumbai', '+919800000401');
  const sim = b.gateway.pstnSim;
  assert.ok(sim);
  const before = uas.byes;
  const call = await sim.call('+919800000401', b.carrierSide('udp'), 50);
  assert.equal(call.status, 200);
  assert.equal(viaPort(0), a.access('tcp').port, 'sent by node A (mumbai)');
  assert.equal(viaPort(1), b.gateway.routePorts.access, 'handed over by node B');
  assert.equal(getHeaderValues(uas.invites.at(-1) as SipRequest, 'route').length, 0, 'the handoff Route is gone');
  assert.equal(call.byeStatus, 200, 'the BYE passed both nodes');
  await waitFor(() => uas.byes === before + 1, 5000, 'BYE at the PBX');
});

test('a trunk preferring the region the call entered leaves from that node', async () => {
  await trunkIn('singapore', '+919800000402');
  const sim = b.gateway.pstnSim;
  assert.ok(sim);
  const call = await sim.call('+919800000402', b.carrierSide('udp'), 50);
  assert.equal(call.status, 200);
  assert.equal(viaPort(0), b.access('tcp').port, 'sent by node B itself');
  assert.equal(getHeaderValues(uas.invites.at(-1) as SipRequest, 'via').length, 2, 'no other node in the path');
  assert.equal(call.byeStatus, 200);
});

test('with no node of the preferred region up, the call leaves from the node it entered', async () => {
  await a.gateway.close(); // node A (mumbai) leaves the registry at a clean stop
  const sim = b.gateway.pstnSim;
  assert.ok(sim);
  const call = await sim.call('+919800000401', b.carrierSide('udp'), 50);
  assert.equal(call.status, 200);
  assert.equal(viaPort(0), b.access('tcp').port, 'sent by node B');
  assert.equal(getHeaderValues(uas.invites.at(-1) as SipRequest, 'via').length, 2, 'no other node in the path');
  assert.equal(call.byeStatus, 200);
});
