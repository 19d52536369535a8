import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { parseIpv4 } from '../../src/net/ipv4.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/**
 * PostgreSQL: the API writes through one Store, the gateway reads through another (as a
 * `--role api` and a `--role sip` process would); changes reach the gateway by LISTEN/NOTIFY.
 */
let pg: TestPostgres;
let apiStore: Store;
let sipStore: Store;
let h: Harness;
let apiSide: Harness;
let api: ApiClient;
let dir: string;

before(async () => {
  pg = await startPostgres();
  const url = await pg.newDatabase();
  const secretKey = randomBytes(32).toString('hex');
  dir = mkdtempSync(join(tmpdir(), 'vsip-gw-pg-'));
  apiStore = await openStore({ databaseUrl: url, dataDir: dir, secretKey });
  sipStore = await openStore({ databaseUrl: url, dataDir: dir, secretKey });
  h = await startHarness({ store: sipStore, dataDir: dir });
  // The API side: same account (created by the harness through the SIP store), its own Store.
  apiSide = { ...h, store: apiStore };
  api = await ApiClient.create(apiSide);
});
after(async () => {
  await api.close();
  await h.close();
  await apiStore.close();
  await sipStore.close();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('postgres: a whitelist added through the API store is enforced by the gateway store on NOTIFY', async (t) => {
  const pbx = await PstnSim.start({ host: '127.0.0.3', callerId: '+919800000066' });
  try {
    const trunk = await api.createTrunk('pg');
    await api.mapNumber(trunk, '+919800000066');
    await waitFor(() => h.gateway.snapshot.getTrunk(trunk)?.numbers.has('+919800000066'), 10_000, 'trunk via NOTIFY');
    assert.equal((await pbx.call('+14155550100', h.access())).status, 403);
    await api.whitelist(trunk, '127.0.0.3', 32);
    const t0 = performance.now(); // from the API's answer to the other store's gateway enforcing it
    // Nothing reloads the snapshot on a timer: only the NOTIFY can make this true. How soon is
    // reported, not asserted: on a busy machine the process may not run at all for longer than that.
    await waitFor(
      () => h.gateway.snapshot.trunksForIp(parseIpv4('127.0.0.3')).length > 0,
      10_000,
      'whitelist via NOTIFY',
    );
    t.diagnostic(`enforced ${(performance.now() - t0).toFixed(0)} ms after the API answered`);
    const r = await pbx.call('+14155550100', h.access());
    assert.equal(r.status, 200);
    // The call log the gateway wrote through its store, read back through the API's.
    const causes = await waitFor(async () => {
      const c = (await api.calls(trunk)).map((x) => x.cause);
      return c.includes('completed') ? c : undefined;
    });
    assert.ok(causes.includes('ip_not_whitelisted'));
    await api.deleteTrunk(trunk);
    await waitFor(() => h.gateway.snapshot.getTrunk(trunk) === undefined, 10_000, 'delete via NOTIFY');
    assert.equal((await pbx.call('+14155550100', h.access())).status, 403);
  } finally {
    await pbx.close();
  }
});
