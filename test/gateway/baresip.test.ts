import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { ApiClient } from '../support/api-client.js';
import { startBaresip } from './baresip-ua.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/**
 * A real SIP stack through the gateway in both directions: baresip (Debian package) as the PBX.
 * It places a call authenticated by digest only (no whitelisted IP: 407, then Proxy-Authorization
 * with username = trunk_sid) to the PSTN simulator, and it answers a call the simulator places to a
 * mapped number (origination to its destination URI). Its own SIP, SDP and timers, not ours.
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

test(
  'baresip calls out with digest only (407, then Proxy-Authorization): answered by the PSTN simulator, hung up by ' +
    'baresip',
  async () => {
    const caller = '+919800000061';
    const trunk = await api.createTrunk('bsout', { auth_type: 'credentials' });
    await api.mapNumber(trunk, caller);
    const password = await api.password(trunk);
    await h.gateway.snapshot.settled();
    const domain = `${h.accountSid}.pstn.exotel.com`;
    const gw = h.access('udp').port;
    // What the gateway sends baresip: the 407 challenge must be among it.
    const toBaresip: string[] = [];
    const watch = (m: unknown): void => {
      const { data, target } = m as { data: Buffer; target: { address: string } };
      if (target.address === '127.0.0.2') toBaresip.push(data.toString('latin1', 0, 40));
    };
    diagnosticsChannel.subscribe('vsip:sip:transport:message-out', watch);
    // No IP is whitelisted on this trunk: only the digest identifies it. `-t 4`: quit (sending BYE) after 4 s.
    const ua = await startBaresip(
      () =>
        `<sip:${caller}@${domain}>;auth_user=${trunk};auth_pass=${password};regint=0;outbound="sip:127.0.0.1:${gw}"`,
      ['-t', '4', '-e', `/dial sip:+14155550100@${domain}`],
    );
    try {
      await ua.exited;
      assert.match(ua.output(), /Call established/, ua.output().slice(-2000));
      const c = await waitFor(
        async () => (await api.calls(trunk)).find((x) => x.cause === 'completed'),
        5000,
        'completed call in the log',
      );
      assert.equal(c.final_code, 200);
      assert.equal(c.caller, caller);
      assert.equal(c.callee, '+14155550100');
      assert.equal(c.source_ip, '127.0.0.2');
      // Ended by baresip's BYE after it held the call, not by a timeout.
      assert.ok((c.duration_ms ?? 0) >= 1000 && (c.duration_ms ?? 0) < 10_000, `duration ${c.duration_ms}`);
      assert.ok(
        toBaresip.some((l) => l.startsWith('SIP/2.0 407 ')),
        `a 407 challenge was sent: ${toBaresip.join(' | ')}`,
      );
    } finally {
      diagnosticsChannel.unsubscribe('vsip:sip:transport:message-out', watch);
      ua.child.kill('SIGKILL');
    }
  },
);

test(
  'baresip answers an inbound call: the PSTN simulator dials a mapped number, the gateway sends it to the ' +
    'destination URI',
  async () => {
    const number = '+15550002061';
    const trunk = await api.createTrunk('bsin');
    await api.mapNumber(trunk, number);
    const ua = await startBaresip((port) => `<sip:${number}@127.0.0.2:${port}>;regint=0;answermode=auto`, ['-t', '15']);
    try {
      await api.addDestinations(trunk, [{ destination: `127.0.0.2:${ua.port};transport=tcp` }]);
      await h.gateway.snapshot.settled();
      await waitFor(() => /baresip is ready/.test(ua.output()), 5000, 'baresip ready');
      const sim = h.gateway.pstnSim;
      assert.ok(sim, 'the embedded PSTN simulator is the carrier');
      const r = await sim.call(number, h.carrierSide('udp'), 1500);
      assert.equal(r.status, 200, `${r.reason}\n${ua.output().slice(-2000)}`);
      assert.equal(r.byeStatus, 200, 'baresip answered the BYE relayed through the gateway');
      assert.match(ua.output(), /Call established/);
      const c = await waitFor(
        async () => (await api.calls(trunk)).find((x) => x.cause === 'completed'),
        5000,
        'completed call in the log',
      );
      assert.equal(c.direction, 'origination');
      assert.equal(c.destination, `127.0.0.2:${ua.port};transport=tcp`);
    } finally {
      ua.child.kill('SIGKILL');
      await ua.exited;
    }
  },
);
