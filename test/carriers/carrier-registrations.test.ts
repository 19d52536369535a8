import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CarrierRegistrations } from '../../src/carriers/carrier-registrations.js';
import type { CarrierReply, CarrierRequestOptions } from '../../src/carriers/send-carrier-request.js';
import type { SipResponse } from '../../src/sip/index.js';
import { waitFor } from '../support/wait-for.js';
import { MemoryPlanSource, testCarrier } from '../gateway/carrier-fixtures.js';

const ok = (expires: number): CarrierReply => ({
  kind: 'final',
  response: {
    kind: 'response',
    version: 'SIP/2.0',
    status: 200,
    reason: 'OK',
    headers: [{ name: 'expires', value: String(expires) }],
    body: Buffer.alloc(0),
  } as SipResponse,
});

function setup(replies: Array<CarrierReply | (() => CarrierReply)>) {
  const sent: Array<{ at: number; o: CarrierRequestOptions }> = [];
  const carrier = testCarrier('r', [['sip:127.0.0.1', 0, 1]], {
    registration: { registrarUri: 'sip:127.0.0.1:5999', expires: 60, contactUser: 'u1' },
  });
  const plan = new MemoryPlanSource([carrier], []);
  const regs = new CarrierRegistrations(
    plan,
    {
      send: async (_t, o) => {
        sent.push({ at: Date.now(), o });
        const r = replies.shift() ?? { kind: 'timeout' };
        return typeof r === 'function' ? r() : r;
      },
      resolve: async () => ({ protocol: 'udp', address: '127.0.0.1', port: 5999 }),
      contact: (_p, user) => `sip:${user}@127.0.0.1:5080`,
    },
    { retryMinMs: 50, retryMaxMs: 200, timeoutMs: 100 },
  );
  return { regs, sent, plan, carrier };
}

test('registration: failures back off exponentially (capped), then a success registers', async () => {
  const { regs, sent } = setup([{ kind: 'timeout' }, { kind: 'transport' }, { kind: 'timeout' }, ok(60)]);
  regs.start();
  try {
    await waitFor(() => regs.states()[0]?.state === 'registered', 5000);
    assert.equal(sent.length, 4);
    const gaps = sent.slice(1).map((s, i) => s.at - (sent[i]?.at ?? 0));
    assert.ok((gaps[0] ?? 0) >= 45 && (gaps[1] ?? 0) >= 95 && (gaps[2] ?? 0) >= 190, `gaps ${gaps}`);
    assert.equal(regs.carrierForContact('u1')?.name, 'r');
    assert.equal(regs.carrierForContact('other'), null);
    const s = regs.states()[0];
    assert.equal(s?.lastResult, 200);
    assert.ok((s?.expiresAt ?? 0) > Date.now() + 50_000);
    // CSeq grows within the one Call-ID of the binding (RFC 3261 §10.2.4).
    assert.deepEqual(
      sent.map((x) => x.o.cseq),
      [1, 2, 3, 4],
    );
    assert.equal(new Set(sent.map((x) => x.o.callId)).size, 1);
  } finally {
    await regs.close(false);
  }
});

test('registration: a short grant is refreshed before it runs out; removing the carrier unregisters', async () => {
  const { regs, sent, plan } = setup([ok(1), ok(1), ok(0)]);
  regs.start();
  try {
    await waitFor(() => sent.length >= 2, 5000, 'a refresh');
    assert.ok((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0) < 1000, 'refreshed before the 1 s binding expired');
    plan.set([], []);
    await waitFor(() => sent.some((x) => x.o.headers?.some((h) => h.name === 'expires' && h.value === '0')), 5000);
    assert.deepEqual(regs.states(), []);
  } finally {
    await regs.close(false);
  }
});
