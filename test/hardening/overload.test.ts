import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OverloadGuard, type LoopReading } from '../../src/gateway/overload-guard.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { UdpProbe } from '../support/sip-probe.js';
import { header, request, SDP, statusOf } from '../support/sip-message.js';

/**
 * Overload control and flood limits, made deterministic with low configured marks
 * instead of real CPU saturation: a calls high-water mark of 2 (the PSTN simulator answers after
 * 700 ms, so calls pile up), a per-source pike rate of 20 requests/s, a transaction table of 30;
 * lag and utilisation are driven by controlled readings. Waits are for events (up to seconds), so a
 * busy machine makes the tests slower, not red.
 */
let h: Harness;
let api: ApiClient;
let _trunk: string;
const CALLER = '+919800000071';

before(async () => {
  h = await startHarness({
    flags: { sipMaxCalls: '2', sipRetryAfter: '7', sipPikeRate: '20', sipPikeBlockSeconds: '3' },
    tuning: { simAnswerDelayMs: 700 },
  });
  api = await ApiClient.create(h);
  _trunk = await api.terminationTrunk('busypbx', CALLER, '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
});

const domain = (): string => `${h.accountSid}.pstn.exotel.com`;

async function metrics(): Promise<string> {
  return h.metrics.metrics();
}

/** Collects every reply per Call-ID on one probe. */
function byCallId(probe: UdpProbe): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of probe.replies) {
    const text = r.toString('latin1');
    const id = /\r\nCall-ID: (.*)\r\n/i.exec(text)?.[1] ?? '';
    out.set(id, [...(out.get(id) ?? []), text]);
  }
  return out;
}

test(
  'overload: beyond --sip-max-calls new INVITEs get 503 + Retry-After at once; a retransmission gets the same ' +
    '503; in-dialog BYE still passes; no crash',
  async () => {
    const probe = await UdpProbe.open('127.0.0.2');
    try {
      const invites = Array.from({ length: 6 }, (_, i) => {
        const callId = `ovl-${i}-${Date.now()}@pbx`;
        return {
          callId,
          text: request({
            method: 'INVITE',
            uri: `sip:+14155550100@${domain()}`,
            from: `<sip:${CALLER}@127.0.0.2>`,
            viaHost: '127.0.0.2',
            viaPort: probe.port,
            callId,
            body: SDP,
          }),
        };
      });
      for (const inv of invites) await probe.send(inv.text, h.access('udp'));
      await waitFor(
        () => {
          const m = byCallId(probe);
          return invites.every((inv) => (m.get(inv.callId) ?? []).some((t) => /^SIP\/2\.0 [2-6]\d\d/.test(t)));
        },
        5000,
        'a final response to every INVITE',
      );
      const m = byCallId(probe);
      const finals = invites.map(
        (inv) => (m.get(inv.callId) ?? []).find((t) => /^SIP\/2\.0 [2-6]\d\d/.test(t)) as string,
      );
      const answered = finals.filter((t) => t.startsWith('SIP/2.0 200'));
      const refused = finals.filter((t) => t.startsWith('SIP/2.0 503'));
      assert.equal(answered.length, 2, finals.map((t) => t.split('\r\n')[0]).join(' | '));
      assert.equal(refused.length, 4);
      for (const r of refused) {
        assert.match(r, /^SIP\/2\.0 503 Service Unavailable \(overloaded\)\r\n/);
        assert.match(r, /\r\nRetry-After: 7\r\n/);
      }
      // The refusal is immediate: no 100 Trying / 180 before it (the call never started).
      const refusedIdx = finals.findIndex((t) => t.startsWith('SIP/2.0 503'));
      const refusedId = invites[refusedIdx]?.callId as string;
      assert.ok(!(m.get(refusedId) ?? []).some((t) => /^SIP\/2\.0 1\d\d/.test(t)));

      // A retransmission of a refused INVITE (same branch) is absorbed by its transaction: the same 503.
      const seen = probe.replies.length;
      await probe.send(invites[refusedIdx]?.text as string, h.access('udp'));
      const again = await probe.next(seen, 5000);
      assert.equal(statusOf(again), 503);

      // In-dialog: BYE for an answered call while still at the mark is forwarded, never refused.
      const ok = answered[0] as string;
      const rr = [...ok.matchAll(/^Record-Route: (.*)$/gim)].flatMap((x) =>
        (x[1] as string).split(',').map((s) => s.trim()),
      );
      const to = header(Buffer.from(ok), 'To') as string;
      const from = header(Buffer.from(ok), 'From') as string;
      const callId = header(Buffer.from(ok), 'Call-ID') as string;
      const contact = /<([^>]+)>/.exec(header(Buffer.from(ok), 'Contact') ?? '')?.[1] as string;
      const routes = rr.reverse();
      const inDialog = {
        uri: contact,
        from,
        fromTag: null,
        to,
        callId,
        viaHost: '127.0.0.2',
        viaPort: probe.port,
        routes,
        contact: null,
      };
      const ack = request({ ...inDialog, method: 'ACK', cseq: 1 });
      await probe.send(ack, h.access('udp'));
      const bye = request({ ...inDialog, method: 'BYE', cseq: 2 });
      const before = probe.replies.length;
      await probe.send(bye, h.access('udp'));
      const byeAnswer = await waitFor(
        () =>
          probe.replies
            .slice(before)
            .find((r) => /^SIP\/2\.0 \d{3}[^\r]*\r\n[\s\S]*CSeq: 2 BYE/i.test(r.toString('latin1'))),
        3000,
        'the BYE answer',
      );
      assert.equal(statusOf(byeAnswer), 200, byeAnswer.toString());

      const text = await metrics();
      assert.match(text, /vsip_sip_overload_refused_total\{reason="calls"\} [4-9]/);
      assert.match(text, /vsip_sip_calls_total\{direction="termination",code="503",cause="overloaded"\} [4-9]/);
      // Still serving: OPTIONS answered.
      const probe2 = await UdpProbe.open('127.0.0.2');
      try {
        assert.equal(
          statusOf(
            await probe2.exchange(
              request({ method: 'OPTIONS', uri: `sip:${domain()}`, viaHost: '127.0.0.2', viaPort: probe2.port }),
              h.access('udp'),
            ),
          ),
          200,
        );
      } finally {
        probe2.close();
      }
    } finally {
      probe.close();
    }
  },
);

test(
  'pike: a source over 20 requests/s is dropped silently for the block time; a trunk-whitelisted PBX is ' + 'exempt',
  async () => {
    const flood = await UdpProbe.open('127.0.0.8');
    const pbx = await UdpProbe.open('127.0.0.2');
    try {
      const options = (p: UdpProbe, host: string): string =>
        request({ method: 'OPTIONS', uri: `sip:${domain()}`, viaHost: host, viaPort: p.port });
      for (let i = 0; i < 60; i++) {
        await flood.send(options(flood, '127.0.0.8'), h.access('udp'));
        await pbx.send(options(pbx, '127.0.0.2'), h.access('udp'));
      }
      await waitFor(() => pbx.replies.length === 60 && flood.replies.length >= 20, 10_000, 'the answers');
      assert.ok(
        flood.replies.length >= 20 && flood.replies.length <= 25,
        `flooder answered ${flood.replies.length} times (rate 20/s)`,
      );
      assert.equal(pbx.replies.length, 60, 'whitelisted PBX is never dropped by pike');
      assert.equal(
        await flood.exchange(options(flood, '127.0.0.8'), h.access('udp'), 300),
        null,
        'silence while blocked',
      );
      const text = await metrics();
      assert.match(text, /vsip_sip_pike_blocks_total [1-9]/);
      assert.match(text, /vsip_sip_requests_dropped_total\{reason="pike"\} [1-9]/);
      // Blocked for 3 s: asked again every half second, it is answered once the block ends.
      await waitFor(
        async () => statusOf(await flood.exchange(options(flood, '127.0.0.8'), h.access('udp'), 500)) === 200,
        15_000,
        'an answer after the block',
      );
    } finally {
      flood.close();
      pbx.close();
    }
  },
);

test(
  'transaction table cap: beyond --sip-max-transactions new out-of-dialog requests are dropped unanswered, and ' +
    'answered again once it drains',
  async () => {
    // T1 = 100 ms: the answered transactions live 64·T1 = 6.4 s, longer than sending 80 takes on a busy machine.
    const small = await startHarness({
      flags: { sipMaxTransactions: '30', sipPikeRate: '0' },
      tuning: { sipTimers: { t1: 100, t4: 500 } },
    });
    const probe = await UdpProbe.open('127.0.0.9');
    try {
      for (let i = 0; i < 80; i++)
        await probe.send(
          request({ method: 'OPTIONS', uri: 'sip:x@127.0.0.1', viaHost: '127.0.0.9', viaPort: probe.port }),
          small.access('udp'),
        );
      await waitFor(
        async () =>
          probe.replies.length >= 28 &&
          /vsip_sip_requests_dropped_total\{reason="transactions"\} [1-9]/.test(await small.metrics.metrics()),
        10_000,
        'answers and drops',
      );
      assert.ok(probe.replies.length >= 28 && probe.replies.length < 80, `${probe.replies.length} of 80 answered`);
      assert.match(await small.metrics.metrics(), /vsip_sip_requests_dropped_total\{reason="transactions"\} [1-9]/);
      // Timer J (64·T1) ends the answered transactions; then requests are served again.
      const options = (): string =>
        request({ method: 'OPTIONS', uri: 'sip:x@127.0.0.1', viaHost: '127.0.0.9', viaPort: probe.port });
      await waitFor(
        async () => statusOf(await probe.exchange(options(), small.access('udp'), 500)) === 200,
        30_000,
        'an answer once the table drains',
      );
    } finally {
      probe.close();
      await small.close();
    }
  },
);

test(
  'event-loop lag: a reading over the mark turns new calls away until the lag falls under half the mark ' +
    '(hysteresis)',
  () => {
    const g = new OverloadGuard({
      maxCalls: 0,
      maxTransactions: 0,
      maxLagMs: 60,
      targetLoad: 0,
      retryAfterSeconds: 5,
      activeCalls: () => 0,
      activeTransactions: () => 0,
    });
    g.observe({ lagMs: 20, utilization: 0 });
    assert.equal(g.admitCall(), null);
    g.observe({ lagMs: 150, utilization: 0 });
    assert.equal(g.admitCall(), 'lag');
    g.observe({ lagMs: 40, utilization: 0 });
    assert.equal(g.admitCall(), 'lag', 'still over half the mark');
    g.observe({ lagMs: 29, utilization: 0 });
    assert.equal(g.admitCall(), null);
    assert.equal(g.refused.lag, 2);
  },
);

test(
  'event-loop utilisation: while busy with SIP over the target a share of new calls is refused; it recovers when ' +
    'idle, and a busy loop without SIP traffic refuses nothing',
  () => {
    let messages = 0;
    // 100 messages/s over 20 ms samples: 2 messages per sample mean "busy with SIP".
    const g = new OverloadGuard({
      maxCalls: 0,
      maxTransactions: 0,
      maxLagMs: 0,
      targetLoad: 0.5,
      minMessagesPerSecond: 100,
      messagesIn: () => messages,
      retryAfterSeconds: 5,
      activeCalls: () => 0,
      activeTransactions: () => 0,
      sampleMs: 20,
    });
    for (let i = 0; i < 20; i++) g.observe({ lagMs: 0, utilization: 1 });
    assert.equal(g.admitShare, 1, 'CPU busy with something else: nothing refused');
    g.load = 0;
    for (let i = 0; i < 20; i++) {
      messages += 50;
      g.observe({ lagMs: 0, utilization: 0.95 });
    }
    assert.ok(g.admitShare < 0.5, `admit share ${g.admitShare} at utilisation ${g.load.toFixed(2)}`);
    let refused = 0;
    for (let i = 0; i < 200; i++) if (g.admitCall() === 'load') refused++;
    assert.ok(refused > 100, `${refused} of 200 refused`);
    for (let i = 0; i < 40; i++) {
      messages += 50;
      g.observe({ lagMs: 0, utilization: 0.1 });
    }
    assert.equal(g.admitShare, 1, 'recovered under the target');
    assert.equal(g.admitCall(), null);
  },
);

/** A controlled event-loop reading for a whole gateway, and how many times the guard has read it. */
function controlledLoop(): { sampler: () => LoopReading; set(r: LoopReading): void; readings: () => number } {
  let reading: LoopReading = { lagMs: 0, utilization: 0 };
  let n = 0;
  return {
    sampler: () => {
      n++;
      return reading;
    },
    set: (r) => (reading = r),
    readings: () => n,
  };
}

/** A new INVITE from the trunk's PBX; its final status. */
async function callStatus(g: Harness, probe: UdpProbe): Promise<{ status: number | null; text: string }> {
  const callId = `lag-${Date.now()}-${Math.random()}@pbx`;
  const text = request({
    method: 'INVITE',
    uri: `sip:+14155550100@${g.accountSid}.pstn.exotel.com`,
    from: `<sip:${CALLER}@127.0.0.2>`,
    viaHost: '127.0.0.2',
    viaPort: probe.port,
    callId,
    body: SDP,
  });
  await probe.send(text, g.access('udp'));
  const final = await waitFor(
    () =>
      probe.replies.find((r) => {
        const t = r.toString('latin1');
        return t.includes(callId) && /^SIP\/2\.0 [2-6]\d\d/.test(t);
      }),
    10_000,
    'a final response',
  );
  return { status: statusOf(final), text: final.toString('latin1') };
}

test(
  'a gateway started by the test harness ignores the event loop: a saturated reading refuses no call (tests not ' +
    'about overload do not depend on machine load)',
  async () => {
    const loop = controlledLoop();
    loop.set({ lagMs: 10_000, utilization: 1 });
    const g = await startHarness({ tuning: { overloadSampler: loop.sampler, lagSampleMs: 5 } });
    const client = await ApiClient.create(g);
    const probe = await UdpProbe.open('127.0.0.2');
    try {
      await client.terminationTrunk('quietpbx', CALLER, '127.0.0.2');
      const { status, text } = await callStatus(g, probe);
      assert.equal(status, 200, text.split('\r\n')[0]);
      assert.equal(g.config.sipMaxLag, 0);
      assert.equal(g.config.sipMaxLoad, 0);
      assert.equal(loop.readings(), 0, 'the guard never samples the loop');
    } finally {
      probe.close();
      await client.close();
      await g.close();
    }
  },
);

test(
  'event-loop lag through the gateway: with --sip-max-lag set, a controlled reading over the mark gets new ' +
    'INVITEs 503 + Retry-After, and they pass again under half the mark',
  async () => {
    const loop = controlledLoop();
    const g = await startHarness({
      flags: { sipMaxLag: '200', sipRetryAfter: '9' },
      tuning: { overloadSampler: loop.sampler, lagSampleMs: 5 },
    });
    const client = await ApiClient.create(g);
    const probe = await UdpProbe.open('127.0.0.2');
    /** Sets the reading and waits until the guard has taken it (two readings later). */
    const reading = async (lagMs: number): Promise<void> => {
      loop.set({ lagMs, utilization: 0 });
      const n = loop.readings();
      await waitFor(() => loop.readings() >= n + 2, 10_000, 'the guard to read the loop');
    };
    try {
      await client.terminationTrunk('lagpbx', CALLER, '127.0.0.2');
      await reading(10);
      assert.equal((await callStatus(g, probe)).status, 200);
      await reading(500);
      const refused = await callStatus(g, probe);
      assert.equal(refused.status, 503);
      assert.match(refused.text, /^SIP\/2\.0 503 Service Unavailable \(overloaded\)\r\n/);
      assert.match(refused.text, /\r\nRetry-After: 9\r\n/);
      await reading(150);
      assert.equal((await callStatus(g, probe)).status, 503, 'still over half the mark');
      await reading(50);
      assert.equal((await callStatus(g, probe)).status, 200);
      assert.match(await g.metrics.metrics(), /vsip_sip_overload_refused_total\{reason="lag"\} 2/);
    } finally {
      probe.close();
      await client.close();
      await g.close();
    }
  },
);
