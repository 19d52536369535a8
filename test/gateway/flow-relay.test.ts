import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeaderValues, parseMessage } from '../../src/sip/message/index.js';
import { randomToken } from '../../src/sip/transaction/branch.js';
import { createSipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { SipRequest } from '../../src/sip/message/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { RegisteringPbx, sendRequest } from '../support/registering-pbx.js';
import { request } from '../support/sip-message.js';

/**
 * Two SIP nodes on one store: a PBX registered over TCP on node A gets a call that entered node B.
 * B hands the INVITE to A's relay address with the flow in a signed Route; A sends it over the
 * PBX's connection and stays in the dialog, so the ACK and BYE take the same way.
 */
const NUMBER = '+919800000301';
let dir: string;
let store: Store;
let a: Harness;
let b: Harness;
let api: ApiClient;
let trunk: string;
let password: string;

/** Opens the two nodes' stores on one database: one SQLite store object, or two PostgreSQL connections. */
type OpenStores = () => Promise<{ sa: Store; sb: Store; close(): Promise<void> }>;

async function startNodes(open: OpenStores): Promise<() => Promise<void>> {
  dir = mkdtempSync(join(tmpdir(), 'vsip-relay-'));
  const stores = await open();
  store = stores.sa;
  const tuning = { proxy: { targetTimeoutMs: 3000 } };
  a = await startHarness({ store: stores.sa, dataDir: dir, tuning });
  b = await startHarness({ store: stores.sb, dataDir: dir, tuning });
  api = await ApiClient.create(a);
  trunk = await api.createTrunk('relay', { auth_type: 'credentials', registration_enabled: true });
  await api.mapNumber(trunk, NUMBER);
  password = await api.password(trunk);
  await a.gateway.snapshot.settled();
  await waitFor(() => b.gateway.snapshot.size >= 1, 5000, 'node B sees the trunk');
  await b.gateway.snapshot.settled();
  return async () => {
    await api.close();
    await a.close();
    await b.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A PBX on 127.0.0.7 over TCP that answers every INVITE, registered on node A (digest). */
async function registeredPbx(): Promise<RegisteringPbx> {
  const p = await RegisteringPbx.open('127.0.0.7', 'tcp');
  const res = await p.register({ gateway: a.access('tcp'), accountSid: a.accountSid, trunk, password });
  assert.equal(res.status, 200);
  return p;
}

function relaySuite(name: string, open: OpenStores): void {
  describe(name, () => {
    let stop: () => Promise<void>;
    before(async () => {
      stop = await startNodes(open);
    });
    after(() => stop());

    test('a call entering node B reaches the PBX registered over TCP on node A; ACK, BYE pass both', async () => {
      const p = await registeredPbx();
      try {
        const [reg] = await store.listRegistrations(trunk);
        assert.equal(reg?.transport, 'tcp');
        const nodes = await store.listSipNodes(null);
        assert.equal(nodes.length, 2, 'both nodes in the registry');
        assert.ok(
          nodes.every((n) => n.relay != null && n.relay.port > 0),
          'each node has its relay address',
        );
        assert.ok(
          nodes.every((n) => n.signalling.every((s) => s.transport !== 'relay')),
          'the relay address is not a public one',
        );
        const sim = b.gateway.pstnSim;
        assert.ok(sim);
        const call = await sim.call(NUMBER, b.carrierSide('udp'), 50);
        assert.equal(call.status, 200, 'answered by the PBX through node A');
        assert.equal(p.invites.length, 1);
        const inv = p.invites[0] as SipRequest;
        assert.equal(inv.uri, reg?.contact, 'Request-URI = the registered Contact');
        assert.equal(getHeaderValues(inv, 'route').length, 0, 'the relay Route was consumed by node A');
        assert.equal(
          getHeaderValues(inv, 'record-route').join(',').split(';vn=').length,
          3,
          "node A's two marked routes",
        );
        assert.equal(call.byeStatus, 200, "the carrier's BYE reached the PBX through both nodes");
        await waitFor(() => p.byes === 1 && p.acks >= 1, 5000, 'ACK and BYE at the PBX');
      } finally {
        await p.close();
      }
    });

    test('a forged relay Route (bad signature) is not relayed: the ordinary policy applies', async () => {
      const sock = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '127.0.0.8', port: 0 }] });
      try {
        const port = sock.addresses()[0]?.port ?? 0;
        const raw = request({
          method: 'INVITE',
          uri: 'sip:pbx@127.0.0.7:5060;transport=tcp',
          viaHost: '127.0.0.8',
          viaPort: port,
          callId: randomToken(),
          extra: [`Route: <sip:vsip@127.0.0.1:${a.carrierSide('udp').port};lr;vf=WyJ0Y3AiXQ;vs=forged>`],
        });
        const res = await sendRequest(sock, parseMessage(Buffer.from(raw)) as SipRequest, a.carrierSide('udp'));
        // Loopback is the simulator's (a carrier): the Request-URI's user is no mapped number.
        assert.equal(res.status, 404);
      } finally {
        await sock.close();
      }
    });
  });
}

relaySuite('two SIP nodes on one SQLite store', async () => {
  const sa = await openStore({ databaseUrl: null, dataDir: dir });
  return { sa, sb: sa, close: () => sa.close() };
});

let pg: TestPostgres | null = null;
after(() => pg?.stop());
relaySuite('two SIP nodes on one PostgreSQL', async () => {
  pg = await startPostgres();
  const url = await pg.newDatabase();
  const sa = await openStore({ databaseUrl: url, dataDir: dir });
  const sb = await openStore({ databaseUrl: url, dataDir: dir });
  return {
    sa,
    sb,
    close: async () => {
      await sa.close();
      await sb.close();
    },
  };
});
