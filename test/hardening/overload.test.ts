import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OverloadGuard } from '../../src/gateway/overload-guard.js';
import { ApiClient } from '../gateway/api-client.js';
import { startHarness, waitFor, type Harness } from '../gateway/gateway-harness.js';
import { header, request, SDP, statusOf, UdpProbe } from './sip-probe.js';

/**
 * Overload control and flood limits (issue 6), made deterministic with low configured marks
 * instead of real CPU saturation: a calls high-water mark of 2 (the PSTN simulator answers after
 * 700 ms, so calls pile up), a per-source pike rate of 20 requests/s, a transaction table of 40.
 */
let h: Harness;
let api: ApiClient;
let trunk: string;
const CALLER = '+919800000071';

before(async () => {
  h = await startHarness({ flags: { sipMaxCalls: '2', sipRetryAfter: '7', sipPikeRate: '20', sipPikeBlockSeconds: '1' }, tuning: { simAnswerDelayMs: 700 } });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('busypbx', CALLER, '127.0.0.2');
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

test('overload: beyond --sip-max-calls new INVITEs get 503 + Retry-After at once; a retransmission gets the same 503; in-dialog BYE still passes; no crash', async () => {
  const probe = await UdpProbe.open('127.0.0.2');
  try {
    const invites = Array.from({ length: 6 }, (_, i) => {
      const callId = `ovl-${i}-${Date.now()}@pbx`;
      return { callId, text: request({ method: 'INVITE', uri: `sip:+14155550100@${domain()}`, from: `<sip:${CALLER}@127.0.0.2>`, viaHost: '127.0.0.2', viaPort: probe.port, callId, body: SDP }) };
    });
    for (const inv of invites) await probe.send(inv.text, h.access('udp'));
    await waitFor(() => {
      const m = byCallId(probe);
      return invites.every((inv) => (m.get(inv.callId) ?? []).some((t) => /^SIP\/2\.0 [2-6]\d\d/.test(t)));
    }, 5000, 'a final response to every INVITE');
    const m = byCallId(probe);
    const finals = invites.map((inv) => (m.get(inv.callId) ?? []).find((t) => /^SIP\/2\.0 [2-6]\d\d/.test(t)) as string);
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
    const again = await probe.next(seen, 1000);
    assert.equal(statusOf(again), 503);

    // In-dialog: BYE for an answered call while still at the mark is forwarded, never refused.
    const ok = answered[0] as string;
    const rr = [...ok.matchAll(/^Record-Route: (.*)$/gim)].flatMap((x) => (x[1] as string).split(',').map((s) => s.trim()));
    const to = header(Buffer.from(ok), 'To') as string;
    const from = header(Buffer.from(ok), 'From') as string;
    const callId = header(Buffer.from(ok), 'Call-ID') as string;
    const contact = /<([^>]+)>/.exec(header(Buffer.from(ok), 'Contact') ?? '')?.[1] as string;
    const routes = rr.reverse().map((r) => `Route: ${r}`);
    const ack = [`ACK ${contact} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.2:${probe.port};branch=z9hG4bKack${Date.now()}`, 'Max-Forwards: 70', `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, 'CSeq: 1 ACK', ...routes, 'Content-Length: 0', '', ''].join('\r\n');
    await probe.send(ack, h.access('udp'));
    const bye = [`BYE ${contact} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.2:${probe.port};branch=z9hG4bKbye${Date.now()}`, 'Max-Forwards: 70', `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, 'CSeq: 2 BYE', ...routes, 'Content-Length: 0', '', ''].join('\r\n');
    const before = probe.replies.length;
    await probe.send(bye, h.access('udp'));
    const byeAnswer = await waitFor(() => probe.replies.slice(before).find((r) => /^SIP\/2\.0 \d{3}[^\r]*\r\n[\s\S]*CSeq: 2 BYE/i.test(r.toString('latin1'))), 3000, 'the BYE answer');
    assert.equal(statusOf(byeAnswer), 200, byeAnswer.toString());

    const text = await metrics();
    assert.match(text, /vsip_sip_overload_refused_total\{reason="calls"\} [4-9]/);
    assert.match(text, /vsip_sip_calls_total\{direction="termination",code="503",cause="overloaded"\} [4-9]/);
    // Still serving: OPTIONS answered.
    const probe2 = await UdpProbe.open('127.0.0.2');
    try {
      assert.equal(statusOf(await probe2.exchange(request({ method: 'OPTIONS', uri: `sip:${domain()}`, viaHost: '127.0.0.2', viaPort: probe2.port }), h.access('udp'))), 200);
    } finally {
      probe2.close();
    }
  } finally {
    probe.close();
  }
});

test('pike: a source over 20 requests/s is dropped silently for the block time; a trunk-whitelisted PBX is exempt', async () => {
  const flood = await UdpProbe.open('127.0.0.8');
  const pbx = await UdpProbe.open('127.0.0.2');
  try {
    const options = (p: UdpProbe, host: string): string => request({ method: 'OPTIONS', uri: `sip:${domain()}`, viaHost: host, viaPort: p.port });
    for (let i = 0; i < 60; i++) {
      await flood.send(options(flood, '127.0.0.8'), h.access('udp'));
      await pbx.send(options(pbx, '127.0.0.2'), h.access('udp'));
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(flood.replies.length >= 20 && flood.replies.length <= 25, `flooder answered ${flood.replies.length} times (rate 20/s)`);
    assert.equal(pbx.replies.length, 60, 'whitelisted PBX is never dropped by pike');
    assert.equal(await flood.exchange(options(flood, '127.0.0.8'), h.access('udp'), 300), null, 'silence while blocked');
    const text = await metrics();
    assert.match(text, /vsip_sip_pike_blocks_total [1-9]/);
    assert.match(text, /vsip_sip_requests_dropped_total\{reason="pike"\} [1-9]/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(statusOf(await flood.exchange(options(flood, '127.0.0.8'), h.access('udp'), 1000)), 200, 'served again after the block');
  } finally {
    flood.close();
    pbx.close();
  }
});

test('transaction table cap: beyond --sip-max-transactions new out-of-dialog requests are dropped unanswered, and answered again once it drains', async () => {
  const small = await startHarness({ flags: { sipMaxTransactions: '30', sipPikeRate: '0' }, tuning: { sipTimers: { t1: 20, t4: 50 } } });
  const probe = await UdpProbe.open('127.0.0.9');
  try {
    for (let i = 0; i < 80; i++) await probe.send(request({ method: 'OPTIONS', uri: 'sip:x@127.0.0.1', viaHost: '127.0.0.9', viaPort: probe.port }), small.access('udp'));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(probe.replies.length >= 28 && probe.replies.length < 80, `${probe.replies.length} of 80 answered`);
    assert.match(await small.metrics.metrics(), /vsip_sip_requests_dropped_total\{reason="transactions"\} [1-9]/);
    // Timer J (64·T1 = 1.3 s here) ends the answered transactions; then requests are served again.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(statusOf(await probe.exchange(request({ method: 'OPTIONS', uri: 'sip:x@127.0.0.1', viaHost: '127.0.0.9', viaPort: probe.port }), small.access('udp'))), 200);
  } finally {
    probe.close();
    await small.close();
  }
});

test('event-loop lag: a blocked loop turns new calls away until the lag falls under half the mark (hysteresis)', async () => {
  const g = new OverloadGuard({ maxCalls: 0, maxTransactions: 0, maxLagMs: 60, targetLoad: 0, retryAfterSeconds: 5, activeCalls: () => 0, activeTransactions: () => 0, sampleMs: 10 });
  g.start();
  try {
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(g.admitCall(), null);
    const until = Date.now() + 150;
    while (Date.now() < until) {
      /* block the event loop */
    }
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(g.admitCall(), 'lag', `lag ${g.lagMs} ms`);
    await waitFor(() => !g.lagging, 2000, 'the lag to clear');
    assert.equal(g.admitCall(), null);
    assert.equal(g.refused.lag, 1);
  } finally {
    g.stop();
  }
});

test('event-loop utilisation: while busy with SIP over the target a share of new calls is refused; it recovers when idle, and a busy loop without SIP traffic refuses nothing', async () => {
  let messages = 0;
  const g = new OverloadGuard({ maxCalls: 0, maxTransactions: 0, maxLagMs: 0, targetLoad: 0.5, minMessagesPerSecond: 100, messagesIn: () => messages, retryAfterSeconds: 5, activeCalls: () => 0, activeTransactions: () => 0, sampleMs: 20 });
  g.start();
  const busy = async (ms: number, withSip: boolean): Promise<void> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const slice = Date.now() + 15;
      while (Date.now() < slice) {
        /* work */
      }
      if (withSip) messages += 50;
      await new Promise((r) => setImmediate(r));
    }
  };
  try {
    await busy(400, false);
    assert.equal(g.admitShare, 1, 'CPU busy with something else: nothing refused');
    g.load = 0; // forget the non-SIP work (the smoothed figure would otherwise carry it over)
    await busy(700, true);
    assert.ok(g.admitShare < 0.5, `admit share ${g.admitShare} after 700 ms at utilisation ${g.load.toFixed(2)}`);
    let refused = 0;
    for (let i = 0; i < 200; i++) if (g.admitCall() === 'load') refused++;
    assert.ok(refused > 100, `${refused} of 200 refused`);
    await waitFor(() => g.admitShare === 1, 3000, 'the share to recover');
    assert.equal(g.admitCall(), null);
  } finally {
    g.stop();
  }
});

