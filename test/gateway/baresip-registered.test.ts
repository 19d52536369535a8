import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../support/api-client.js';
import { startBaresip } from './baresip-ua.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/**
 * A real softphone registers (digest, username = trunk_sid) and then answers an inbound call the
 * PSTN simulator places to the trunk's number: the trunk has no destination URI, so the call can
 * only reach baresip through its binding, over the flow its REGISTER came over.
 */
let h: Harness;
let api: ApiClient;

before(async () => {
  h = await startHarness();
  api = await ApiClient.create(h);
});
after(async () => {
  await api.close();
  await h.close();
});

let n = 0;
for (const transport of ['udp', 'tcp', 'tls'] as const) {
  test(`baresip registered over ${transport.toUpperCase()} answers an inbound call`, async () => {
    const number = `+1555000310${n++}`;
    const trunk = await api.createTrunk(`bsreg${transport}`, { auth_type: 'credentials', registration_enabled: true });
    await api.mapNumber(trunk, number);
    const password = await api.password(trunk);
    await h.gateway.snapshot.settled();
    const gw = h.access(transport).port;
    const ua = await startBaresip(
      () =>
        `<sip:${trunk}@127.0.0.1:${gw};transport=${transport}>;auth_pass=${password};regint=120;answermode=auto;` +
        `outbound="sip:127.0.0.1:${gw};transport=${transport}"`,
      ['-t', '30'],
    );
    try {
      const reg = await waitFor(
        async () => (await h.store.listRegistrations(trunk)).find((r) => r.transport === transport),
        15_000,
        `baresip registered over ${transport}`,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; baresip output:\n${ua.output()}`);
      });
      assert.match(reg.sourceIp, /^127\.0\.0\.[12]$/); // TCP: the kernel picks the source address
      const sim = h.gateway.pstnSim;
      assert.ok(sim);
      const r = await sim.call(number, h.carrierSide('udp'), 1000);
      assert.equal(r.status, 200, `${r.reason}\n${ua.output().slice(-2000)}`);
      assert.equal(r.byeStatus, 200, 'the BYE reached baresip through the gateway');
      assert.match(ua.output(), /Call established/);
      const c = await waitFor(
        async () => (await api.calls(trunk)).find((x) => x.cause === 'completed'),
        5000,
        'completed call in the log',
      );
      assert.equal(c.direction, 'origination');
      assert.match(
        c.destination ?? '',
        new RegExp(`registered from 127\\.0\\.0\\.[12]:\\d+ over ${transport.toUpperCase()}`),
      );
    } finally {
      ua.child.kill('SIGKILL');
      await ua.exited;
    }
  });
}
