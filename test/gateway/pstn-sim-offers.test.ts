import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { header } from '../support/sip-message.js';
import { offer, rawCall } from '../support/raw-call.js';
import { RtpPeer } from '../support/rtp-peer.js';
import { waitFor } from '../support/wait-for.js';

const udpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
const sdp = (...lines: string[]): string => `${['v=0', 'o=x 1 1 IN IP4 127.0.0.1', 's=-', ...lines].join('\r\n')}\r\n`;
const c = 'c=IN IP4 127.0.0.1';

/** Offers the simulator cannot take: each a clear 4xx with a Warning, before ringing and before any socket. */
const BAD: Array<{ what: string; body: string; contentType?: string; status: number; warning: RegExp }> = [
  { what: 'garbage', body: 'hello, I am not SDP\r\n', status: 400, warning: /^399 pstn-sim "Malformed SDP/ },
  { what: 'a bad m= port', body: sdp(c, 't=0 0', 'm=audio 99999 RTP/AVP 0'), status: 400, warning: /^399 / },
  { what: 'no audio', body: sdp(c, 't=0 0', 'm=video 5000 RTP/AVP 96'), status: 488, warning: /^304 / },
  { what: 'audio declined (port 0)', body: sdp(c, 't=0 0', 'm=audio 0 RTP/AVP 0'), status: 488, warning: /^304 / },
  { what: 'a privileged port', body: sdp(c, 't=0 0', 'm=audio 53 RTP/AVP 0'), status: 488, warning: /port 53/ },
  { what: 'SRTP', body: sdp(c, 't=0 0', 'm=audio 5000 RTP/SAVP 0'), status: 488, warning: /^302 / },
  { what: 'no common codec', body: sdp(c, 't=0 0', 'm=audio 5000 RTP/AVP 9 97'), status: 488, warning: /^305 / },
  {
    what: 'a hostname in c=',
    body: sdp('c=IN IP4 pbx.example.com', 't=0 0', 'm=audio 5000 RTP/AVP 0'),
    status: 488,
    warning: /^301 /,
  },
  {
    what: 'IPv6 to an IPv4 simulator',
    body: sdp('c=IN IP6 ::1', 't=0 0', 'm=audio 5000 RTP/AVP 0'),
    status: 488,
    warning: /^301 /,
  },
  { what: 'no c= line', body: sdp('t=0 0', 'm=audio 5000 RTP/AVP 0'), status: 400, warning: /no c= line/ },
  {
    what: 'an SDP bomb (thousands of candidates)',
    body: sdp(
      c,
      't=0 0',
      'm=audio 5000 RTP/AVP 0',
      ...Array.from({ length: 600 }, (_, i) => `a=candidate:${i} 1 UDP 1 10.0.0.1 ${i} typ host`),
    ),
    status: 400,
    warning: /larger than/,
  },
  {
    what: 'many m-lines',
    body: sdp(c, 't=0 0', ...Array.from({ length: 20 }, (_, i) => `m=audio ${5000 + 2 * i} RTP/AVP 0`)),
    status: 488,
    warning: /m-lines/,
  },
  { what: 'not SDP at all', body: '{"sdp":false}', contentType: 'application/json', status: 415, warning: /.^/ },
];

test('bad offers get 400/488 with a Warning (RFC 3261 §20.43), never a ring and never an RTP socket', async (t) => {
  const s = await PstnSim.start();
  t.after(() => s.close());
  const to = { address: '127.0.0.1', port: s.addresses()[0]!.port };
  const base = udpHandles();
  for (const bad of BAD) {
    // A closed socket's handle goes on the next turn of the event loop.
    const before = await waitFor(() => udpHandles() === base && base, 3000, 'the last probe closed');
    const call = await rawCall(to, {
      number: '+14155550130',
      body: bad.body,
      ...(bad.contentType !== undefined ? { contentType: bad.contentType } : {}),
    });
    try {
      assert.equal(call.status, bad.status, bad.what);
      assert.ok(!call.statuses.includes(180), `${bad.what}: no 180 before the refusal`);
      if (bad.status !== 415) assert.match(header(call.final, 'warning') ?? '', bad.warning, bad.what);
      else assert.equal(header(call.final, 'accept'), 'application/sdp');
      assert.equal(udpHandles(), before + 1, `${bad.what}: only the probe's socket`);
      assert.equal(s.openMediaSockets, 0);
    } finally {
      call.close();
    }
  }
  assert.equal(s.answered, 0);
});

test('no socket leaks: 60 calls (answered, hung up, special numbers, sim-to-sim) leave 0 open', async (t) => {
  const s = await PstnSim.start();
  const caller = await PstnSim.start({ callerId: '+14155550100' });
  const peer = await RtpPeer.open();
  t.after(async () => {
    peer.close();
    await caller.close();
    await s.close();
  });
  const to = { address: '127.0.0.1', port: s.addresses()[0]!.port };
  await new Promise((r) => setTimeout(r, 20)); // the previous test's last socket closes on a later turn
  const handles = udpHandles();
  const numbers = ['+14155550140', '+15005550107', '+15005550108', '+15005550109', '+15005550101', '+15005550110'];
  const ended: string[] = [];
  s.onCallEnd((r) => ended.push(r.callId));
  let answered = 0;
  for (let i = 0; i < 48; i++) {
    const call = await rawCall(to, { number: numbers[i % numbers.length]!, body: offer(peer.port) });
    if (call.status === 200) {
      answered++;
      assert.equal(await call.bye(), 200);
    }
    call.close();
  }
  // Calls the simulator places and answers itself: audio both ways, both ends closed after.
  const placed = await Promise.all(
    Array.from({ length: 12 }, () => caller.call('+14155550150', { protocol: 'udp', ...to }, 300)),
  );
  for (const p of placed) {
    assert.equal(p.status, 200);
    assert.equal(p.byeStatus, 200);
    assert.ok(p.media !== null && p.media.endedBy === 'hangup' && p.media.sent.packets > 0);
  }
  assert.equal(ended.length, answered + 12);
  assert.equal(s.openMediaSockets, 0);
  assert.equal(caller.openMediaSockets, 0);
  await waitFor(() => udpHandles() === handles, 3000, 'every RTP socket closed');
});

test('sim to sim: a placed call has audio both ways, counted at both ends within tolerance', async (t) => {
  const callee = await PstnSim.start();
  const caller = await PstnSim.start();
  t.after(async () => {
    await caller.close();
    await callee.close();
  });
  const to = { protocol: 'udp' as const, address: '127.0.0.1', port: callee.addresses()[0]!.port };
  const ends: string[] = [];
  callee.onCallEnd((r) => ends.push(r.callId));
  const r = await caller.call('+14155550160', to, 1000);
  assert.equal(r.status, 200);
  const m = r.media!;
  await waitFor(() => ends.length === 1, 3000, 'the callee to see the BYE');
  const far = callee.mediaReport(m.callId)!;
  assert.equal(far.endedBy, 'bye');
  assert.equal(m.codec, 'PCMU');
  for (const [label, x] of [
    ['caller', m],
    ['callee', far],
  ] as const) {
    assert.ok(x.sent.packets >= 30 && x.sent.packets <= 60, `${label} sent ${x.sent.packets} in ~1 s`);
    assert.ok(x.received.packets >= 25, `${label} received ${x.received.packets}`);
    assert.equal(x.received.lost, 0, `${label} lost none on loopback`);
    assert.deepEqual(x.received.payloadTypes, [0]);
  }
  assert.ok(Math.abs(m.received.packets - far.sent.packets) <= 3);
  assert.ok(Math.abs(far.received.packets - m.sent.packets) <= 3);
});

test('sim to sim over IPv6: c=IN IP6, bracketed URIs, audio both ways', async (t) => {
  const callee = await PstnSim.start({ host: '::1' });
  const caller = await PstnSim.start({ host: '::1' });
  t.after(async () => {
    await caller.close();
    await callee.close();
  });
  assert.match(callee.uri, /^sip:\[::1\]:\d+$/);
  const r = await caller.call(
    '+14155550161',
    { protocol: 'udp', address: '::1', port: callee.addresses()[0]!.port },
    500,
  );
  assert.equal(r.status, 200);
  assert.equal(r.byeStatus, 200);
  assert.match(callee.received.at(-1)!.body.toString(), /^c=IN IP6 ::1\r$/m);
  assert.ok(r.media!.received.packets >= 10, `${r.media!.received.packets}`);
  assert.match(r.media!.received.sources[0]!, /^\[::1\]:\d+$/);
  await waitFor(() => callee.mediaReport(r.media!.callId)?.endedBy === 'bye' || undefined, 3000, 'the BYE');
  assert.ok(callee.mediaReport(r.media!.callId)!.received.packets >= 10);
});
