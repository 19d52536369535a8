import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { parseIpv4 } from '../../src/net/ipv4.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { freePort, portBound } from '../support/ports.js';
import { runSipp, startSipp } from '../support/sipp.js';

/** Changes made through the API are enforced without a restart; metrics count the calls. */
let h: Harness;
let api: ApiClient;
let pbx: PstnSim;

before(async () => {
  h = await startHarness();
  api = await ApiClient.create(h);
  pbx = await PstnSim.start({ host: '127.0.0.3', callerId: '+919800000055' });
});
after(async () => {
  await pbx.close();
  await api.close();
  await h.close();
});

test(
  'live config: a whitelist added through the API is enforced on its change event; removing it refuses again; a ' +
    'deleted trunk stops at once',
  async (t) => {
    const trunk = await api.createTrunk('live');
    await api.mapNumber(trunk, '+919800000055');
    await h.gateway.snapshot.settled();
    assert.equal((await pbx.call('+14155550100', h.access())).status, 403);

    const id = await api.whitelist(trunk, '127.0.0.3', 32);
    // Measured from the API's answer (the change is made and committed) to the gateway enforcing it.
    const t0 = performance.now();
    // The snapshot has no periodic reload: only the change event can make this true. How soon is
    // reported, not asserted: on a busy machine the process may not run at all for longer than that.
    await waitFor(() => h.gateway.snapshot.trunksForIp(parseIpv4('127.0.0.3')).length > 0, 10_000, 'snapshot update');
    t.diagnostic(`whitelist enforced ${(performance.now() - t0).toFixed(1)} ms after the API answered`);
    assert.equal((await pbx.call('+14155550100', h.access())).status, 200);

    await api.removeWhitelistedIp(trunk, id);
    await h.gateway.snapshot.settled();
    assert.equal((await pbx.call('+14155550100', h.access())).status, 403);

    await api.whitelist(trunk, '127.0.0.0', 8);
    await h.gateway.snapshot.settled();
    assert.equal((await pbx.call('+14155550100', h.access())).status, 200, 'a /8 range covers 127.0.0.3');

    await api.deleteTrunk(trunk);
    await h.gateway.snapshot.settled();
    assert.equal(h.gateway.snapshot.getTrunk(trunk), undefined);
    assert.equal((await pbx.call('+14155550100', h.access())).status, 403, 'deleted trunk carries no new call');
  },
);

test('metrics: calls by direction, code and cause, and SIP core counters', async () => {
  const text = await h.metrics.metrics();
  assert.match(text, /vsip_sip_calls_total\{direction="termination",code="403",cause="ip_not_whitelisted"\} [1-9]/);
  assert.match(text, /vsip_sip_calls_total\{direction="termination",code="200",cause="completed"\} [1-9]/);
  assert.match(text, /vsip_sip_messages_total\{direction="in",transport="udp"\} [1-9]/);
  assert.match(text, /vsip_sip_transactions_total\{kind="server"\} [1-9]/);
  assert.match(text, /vsip_sip_active_calls\{direction="termination"\} 0/);
});

test('sipp as the carrier: termination answered by sipp, and a CANCEL relayed to sipp (487)', async () => {
  const port = await freePort();
  const carrier = startSipp({ scenario: 'carrier-answer.xml', localPort: port, timeoutSeconds: 15 });
  await portBound(port);
  const other = await startHarness({ carrier: `sip:127.0.0.1:${port}` });
  const api2 = await ApiClient.create(other);
  try {
    const trunk = await api2.createTrunk('pbx');
    await api2.mapNumber(trunk, '+919800000001');
    await api2.whitelist(trunk, '127.0.0.2', 32);
    await other.gateway.snapshot.settled();
    const host = `${other.accountSid}.pstn.exotel.com`;
    const r = await runSipp({
      scenario: 'pbx-call.xml',
      remote: `127.0.0.1:${other.access().port}`,
      localIp: '127.0.0.2',
      service: '+14155550100',
      keys: { caller: '+919800000001', host },
    });
    assert.equal(r.code, 0, r.output.slice(-3000));
    const cr = await carrier.done;
    assert.equal(cr.code, 0, cr.output.slice(-3000));

    const port2 = await freePort();
    const ringing = startSipp({ scenario: 'carrier-ring-cancel.xml', localPort: port2, timeoutSeconds: 15 });
    await portBound(port2);
    const third = await startHarness({
      carrier: `sip:127.0.0.1:${port2}`,
      store: other.store,
      dataDir: other.config.dataDir,
    });
    try {
      const r2 = await runSipp({
        scenario: 'pbx-cancel.xml',
        remote: `127.0.0.1:${third.access().port}`,
        localIp: '127.0.0.2',
        service: '+14155550100',
        keys: { caller: '+919800000001', host },
      });
      assert.equal(r2.code, 0, r2.output.slice(-3000));
      const rr = await ringing.done;
      assert.equal(rr.code, 0, rr.output.slice(-3000));
    } finally {
      ringing.kill();
      await third.close();
    }
  } finally {
    carrier.kill();
    await api2.close();
    await other.close();
  }
});

test(
  'in-dialog: re-INVITE, UPDATE and INFO from the PBX travel the Record-Route set to the carrier and ' + 'back',
  async () => {
    const trunk = await api.createTrunk('mid');
    await api.mapNumber(trunk, '+919800000088');
    await api.whitelist(trunk, '127.0.0.4', 32);
    await h.gateway.snapshot.settled();
    const ua = await PstnSim.start({ host: '127.0.0.4', callerId: '+919800000088' });
    try {
      const carrier = h.gateway.pstnSim;
      assert.ok(carrier);
      const before = carrier.received.length;
      const r = await ua.call('+14155550133', h.access(), 0, ['INVITE', 'UPDATE', 'INFO']);
      assert.equal(r.status, 200);
      assert.deepEqual(r.midCall, [200, 200, 200]);
      assert.equal(r.byeStatus, 200);
      const invites = carrier.received.slice(before);
      assert.equal(invites.length, 2, 'initial INVITE and re-INVITE reached the carrier');
      const reinvite = invites[1];
      assert.ok(reinvite?.headers.find((x) => x.name === 'to')?.value.includes('tag='), 're-INVITE is in-dialog');
      assert.equal(reinvite?.headers.filter((x) => x.name === 'route').length ?? 0, 0, 'our Route entries were popped');
    } finally {
      await ua.close();
    }
  },
);

test('in-dialog: a request with a forged Route to the gateway is refused (no open relay)', async () => {
  const ua = await PstnSim.start({ host: '127.0.0.3' });
  try {
    const target = h.access();
    const res = await new Promise<number>((resolve) => {
      ua.endpoint.sendRequest(
        {
          kind: 'request',
          method: 'MESSAGE',
          uri: 'sip:victim@127.0.0.1:9',
          version: 'SIP/2.0',
          headers: [
            { name: 'max-forwards', value: '70' },
            { name: 'from', value: '<sip:a@127.0.0.3>;tag=x' },
            { name: 'to', value: '<sip:victim@127.0.0.1>;tag=y' },
            { name: 'call-id', value: 'forged-1' },
            { name: 'cseq', value: '1 MESSAGE' },
            { name: 'route', value: `<sip:vsip@127.0.0.1:${target.port};lr;vc=AAAAAAAAAAAAAAAA>` },
          ],
          body: Buffer.alloc(0),
        },
        target,
        {
          provisional: () => {},
          final: (x) => resolve(x.status),
          timeout: () => resolve(408),
          transportError: () => resolve(503),
        },
      );
    });
    assert.equal(res, 403);
  } finally {
    await ua.close();
  }
});

test(
  'call log: an answered call whose BYE never comes is closed as expired after the maximum call ' + 'duration',
  async () => {
    const g = await startHarness({ tuning: { maxCallDurationMs: 150 } });
    const api3 = await ApiClient.create(g);
    const ua = await PstnSim.start({ host: '127.0.0.2', callerId: '+919800000099' });
    try {
      const trunk = await api3.createTrunk('exp');
      await api3.mapNumber(trunk, '+919800000099');
      await api3.whitelist(trunk, '127.0.0.2', 32);
      await g.gateway.snapshot.settled();
      // Answer, then "crash": the UA's BYE goes nowhere near the gateway (held well past 150 ms).
      const call = ua.call('+14155550144', g.access(), 600);
      const rec = await waitFor(
        async () => (await api3.calls(trunk)).find((c) => c.cause === 'expired'),
        3000,
        'expired record',
      );
      assert.equal(rec.final_code, 200);
      assert.ok(rec.answered_at !== null);
      await call;
    } finally {
      await ua.close();
      await api3.close();
      await g.close();
    }
  },
);
