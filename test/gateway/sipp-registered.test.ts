import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { SIPP_DIR, startSipp } from '../support/sipp.js';

/**
 * sipp as a PBX: it REGISTERs with digest over UDP or TCP, then answers the inbound call the PSTN
 * simulator places for the trunk's number (its out-of-call scenario takes the INVITE, ACK and BYE),
 * sent over the flow its REGISTER came over.
 */
let h: Harness;
let api: ApiClient;
let trunk: string;
let password: string;
const NUMBER = '+919800000501';

before(async () => {
  h = await startHarness();
  api = await ApiClient.create(h);
  trunk = await api.createTrunk('sippreg', { auth_type: 'credentials', registration_enabled: true });
  await api.mapNumber(trunk, NUMBER);
  password = await api.password(trunk);
  await h.gateway.snapshot.settled();
});
after(async () => {
  await api.close();
  await h.close();
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`sipp registers over ${transport.toUpperCase()} (digest) and answers a call from the simulator`, async () => {
    for (const r of await h.store.listRegistrations(trunk)) await h.store.removeRegistration(trunk, r.contact);
    const gw = h.access(transport);
    const sipp = startSipp({
      scenario: 'pbx-register.xml',
      remote: `127.0.0.1:${gw.port}`,
      localIp: '127.0.0.1',
      transport,
      service: trunk,
      keys: { domain: `${h.accountSid}.pstn.exotel.com` },
      timeoutSeconds: 30,
      extra: ['-au', trunk, '-ap', password, '-oocsf', join(SIPP_DIR, 'carrier-answer.xml')],
    });
    try {
      await waitFor(
        async () => (await h.store.listRegistrations(trunk)).some((r) => r.transport === transport),
        10_000,
        `sipp registered over ${transport}`,
      );
      const sim = h.gateway.pstnSim;
      assert.ok(sim);
      const call = await sim.call(NUMBER, h.carrierSide('udp'), 50);
      assert.equal(call.status, 200, 'answered by sipp');
      assert.equal(call.byeStatus, 200, 'the BYE reached sipp over its flow and was answered');
    } catch (err) {
      sipp.kill();
      throw new Error(`${(err as Error).message}\nsipp:\n${(await sipp.done).output.slice(-3000)}`);
    } finally {
      sipp.kill();
      await sipp.done;
    }
  });
}
