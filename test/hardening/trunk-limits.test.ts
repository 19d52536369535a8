import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { UdpProbe } from '../support/sip-probe.js';
import { branch, header, request, tag } from '../support/sip-message.js';

/**
 * Per-trunk limits, set through the API: max_concurrent_calls → 486 and
 * max_calls_per_second → 503 + Retry-After: 1, each in the trunk's call log with its cause, and
 * the concurrency slot given back on every way a call ends (BYE, failure, CANCEL).
 * Origination: the built-in PSTN simulator calls the carrier side; a second simulator is the PBX.
 * Termination: raw UDP INVITEs from a whitelisted PBX address (127.0.0.2).
 * The calls-per-second windows run on a clock the tests step by hand, so "within one second" does
 * not depend on how fast a busy machine gets the calls through.
 */
let clock = 1_000_000;
/** Starts a fresh one-second window: the previous one is over on the gateway's clock. */
const nextSecond = (): void => {
  clock += 1000;
};
let h: Harness;
let api: ApiClient;
let pbx: PstnSim;
let trunk: string;
const NUMBER = '+919800000050';
const CALLER = '+919800000051';

before(async () => {
  h = await startHarness({ tuning: { trunkClock: () => clock } });
  api = await ApiClient.create(h);
  pbx = await PstnSim.start({ host: '127.0.0.1', protocols: ['tcp'] });
  trunk = await api.createTrunk('limited', { max_concurrent_calls: 1 });
  await api.mapNumber(trunk, NUMBER);
  await api.mapNumber(trunk, CALLER);
  await api.whitelist(trunk, '127.0.0.2', 32);
  await api.addDestinations(trunk, [{ destination: `127.0.0.1:${pbx.endpoint.addresses()[0]?.port};transport=tcp` }]);
  await h.gateway.snapshot.settled();
});
after(async () => {
  await pbx.close();
  await api.close();
  await h.close();
});

const sim = (): PstnSim => h.gateway.pstnSim as PstnSim;

async function setLimits(limits: {
  max_calls_per_second?: number | null;
  max_concurrent_calls?: number | null;
}): Promise<void> {
  await api.updateTrunk(trunk, limits);
  await waitFor(
    () => {
      const t = h.gateway.snapshot.getTrunk(trunk);
      return (
        t !== undefined &&
        (limits.max_calls_per_second === undefined || t.maxCallsPerSecond === limits.max_calls_per_second) &&
        (limits.max_concurrent_calls === undefined || t.maxConcurrentCalls === limits.max_concurrent_calls)
      );
    },
    3000,
    'the snapshot to pick up the new limits',
  );
}

test(
  'origination: max_concurrent_calls 1 → a second call while one is up gets 486 (logged), and the slot comes back ' +
    'after BYE',
  async () => {
    await setLimits({ max_concurrent_calls: 1, max_calls_per_second: null });
    const first = sim().call(NUMBER, h.carrierSide(), 600);
    await waitFor(() => pbx.answered >= 1, 3000, 'the first call to be answered');
    const second = await sim().call(NUMBER, h.carrierSide());
    assert.equal(second.status, 486);
    assert.match(second.reason, /concurrent/);
    const one = await first;
    assert.equal(one.status, 200);
    assert.equal(one.byeStatus, 200);
    const third = await sim().call(NUMBER, h.carrierSide(), 0);
    assert.equal(third.status, 200, 'the BYE of the first call released its slot');
    const causes = (await api.calls(trunk)).map((c) => c.cause);
    assert.ok(causes.includes('trunk_concurrency_exceeded'), causes.join(','));
  },
);

test(
  'origination: max_calls_per_second 2 → the third call within a second gets 503 with cause ' + 'trunk_cps_exceeded',
  async () => {
    await setLimits({ max_concurrent_calls: null, max_calls_per_second: 2 });
    nextSecond();
    const results = await Promise.all([0, 1, 2, 3].map(() => sim().call(NUMBER, h.carrierSide(), 0)));
    const codes = results.map((r) => r.status).sort();
    assert.deepEqual(codes, [200, 200, 503, 503], JSON.stringify(results));
    const logged = (await api.calls(trunk, 'failed')).filter((c) => c.cause === 'trunk_cps_exceeded');
    assert.ok(logged.length >= 2);
    assert.equal(logged[0]?.final_code, 503);
    const sameSecond = await sim().call(NUMBER, h.carrierSide(), 0);
    assert.equal(sameSecond.status, 503, 'however long the calls took, the window is still the same second');
    nextSecond();
    assert.equal((await sim().call(NUMBER, h.carrierSide(), 0)).status, 200, 'the next second has room again');
  },
);

/** A raw INVITE from the whitelisted PBX address; returns the final response text. */
async function terminate(probe: UdpProbe, callee: string, callId: string): Promise<string> {
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
  const before = probe.replies.length;
  await probe.send(
    request({
      method: 'INVITE',
      uri: `sip:${callee}@${h.accountSid}.pstn.exotel.com`,
      from: `<sip:${CALLER}@127.0.0.2>`,
      viaHost: '127.0.0.2',
      viaPort: probe.port,
      callId,
      body: sdp,
    }),
    h.access('udp'),
  );
  for (let i = before; ; i++) {
    const r = await probe.next(i, 3000);
    assert.ok(r !== null, 'a final response');
    const text = r.toString();
    if (text.includes(callId) && /^SIP\/2\.0 [2-6]\d\d/.test(text)) return text;
  }
}

test(
  'termination: max_concurrent_calls 1 — slots come back after a failed call (busy), and CPS refusals carry ' +
    'Retry-After: 1',
  async () => {
    await setLimits({ max_concurrent_calls: 1, max_calls_per_second: null });
    const probe = await UdpProbe.open('127.0.0.2');
    try {
      // A failed call (the simulator's busy number) must release its slot, or the next would be 486.
      for (let i = 0; i < 3; i++) {
        const busy = await terminate(probe, '+15005550101', `busy-${i}-${Date.now()}@pbx`);
        assert.match(busy, /^SIP\/2\.0 486 Busy Here\r\n/, "the carrier's own 486, relayed (not our limit)");
        assert.doesNotMatch(busy, /concurrent-call limit/);
      }
      await setLimits({ max_calls_per_second: 1 });
      nextSecond();
      await terminate(probe, '+15005550101', `cps-a-${Date.now()}@pbx`);
      const refused = await terminate(probe, '+15005550101', `cps-b-${Date.now()}@pbx`);
      assert.match(refused, /^SIP\/2\.0 503 Service Unavailable \(trunk calls-per-second limit\)\r\n/);
      assert.match(refused, /\r\nRetry-After: 1\r\n/i);
    } finally {
      probe.close();
    }
  },
);

test('termination: a call the PBX CANCELs while ringing gives its slot back (max_concurrent_calls 1)', async () => {
  await setLimits({ max_concurrent_calls: 1, max_calls_per_second: null });
  const probe = await UdpProbe.open('127.0.0.2');
  try {
    const callId = `cancel-${Date.now()}@pbx`;
    const ruri = `sip:+15005550105@${h.accountSid}.pstn.exotel.com`; // the simulator rings forever
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
    const txn = {
      uri: ruri,
      from: `<sip:${CALLER}@127.0.0.2>`,
      fromTag: tag(),
      viaHost: '127.0.0.2',
      viaPort: probe.port,
      branch: branch(),
      callId,
    };
    const invite = request({ ...txn, method: 'INVITE', body: sdp });
    await probe.send(invite, h.access('udp'));
    await waitFor(
      () => probe.replies.some((r) => r.toString().startsWith('SIP/2.0 180') && r.toString().includes(callId)),
      3000,
      '180 Ringing',
    );
    // While it rings, the trunk's one slot is taken.
    const refused = await terminate(probe, '+15005550101', `second-${Date.now()}@pbx`);
    assert.match(refused, /^SIP\/2\.0 486 Busy Here \(trunk concurrent-call limit\)\r\n/);
    const cancel = request({ ...txn, method: 'CANCEL', contact: null });
    await probe.send(cancel, h.access('udp'));
    const final = await waitFor(
      () => probe.replies.find((r) => r.toString().startsWith('SIP/2.0 487') && r.toString().includes(callId)),
      6000,
      '487 for the cancelled INVITE',
    );
    const ack = request({ ...txn, method: 'ACK', to: header(final, 'To'), contact: null });
    await probe.send(ack, h.access('udp'));
    const next = await terminate(probe, '+15005550101', `third-${Date.now()}@pbx`);
    assert.match(next, /^SIP\/2\.0 486 Busy Here\r\n/, "admitted again: the carrier's own 486, not our limit");
    const causes = (await api.calls(trunk)).filter((c) => c.call_id === callId).map((c) => c.cause);
    assert.deepEqual(causes, ['cancelled']);
  } finally {
    probe.close();
  }
});
