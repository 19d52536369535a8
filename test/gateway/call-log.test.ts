import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallLog } from '../../src/gateway/call-log.js';
import { waitFor } from '../support/wait-for.js';
import type { NewCallRecord } from '../../src/store/types.js';

const rec = (i: number): NewCallRecord => ({
  callId: `c${i}`,
  accountSid: 'a',
  trunkSid: 't',
  direction: 'termination',
  caller: null,
  callee: null,
  sourceIp: '127.0.0.2',
  sourcePort: 5060,
  transport: 'udp',
  finalCode: 403,
  cause: 'ip_not_whitelisted',
  destination: null,
  startedAt: '2026-01-01T00:00:00Z',
  answeredAt: null,
  endedAt: '2026-01-01T00:00:00Z',
  durationMs: null,
});

function fakeStore(delayMs = 0) {
  const batches: NewCallRecord[][] = [];
  let pruned: Date[] = [];
  return {
    batches,
    get pruned() {
      return pruned;
    },
    insertCalls: async (calls: NewCallRecord[]) => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      batches.push(calls);
    },
    pruneCallsByAge: async (now: Date) => {
      pruned = [...pruned, now];
      return 0;
    },
  };
}

test('call log: record never waits; a full batch flushes at once, the rest on the timer, all on close', async () => {
  const store = fakeStore();
  const log = new CallLog(store, { batchSize: 500, flushIntervalMs: 50 });
  for (let i = 0; i < 1200; i++) log.record(rec(i));
  await new Promise((r) => setTimeout(r, 120));
  await log.close();
  const total = store.batches.reduce((n, b) => n + b.length, 0);
  assert.equal(total, 1200);
  assert.ok(store.batches.length >= 2 && store.batches.length <= 4, `batches: ${store.batches.map((b) => b.length)}`);
  assert.equal(store.batches[0]?.[0]?.callId, 'c0', 'order kept');
  assert.equal(log.written, 1200);
});

test('call log: bounded buffer drops the oldest and counts them while the store is stalled', async () => {
  const store = fakeStore(100);
  const log = new CallLog(store, { batchSize: 10_000, maxBuffered: 100, flushIntervalMs: 10_000 });
  for (let i = 0; i < 250; i++) log.record(rec(i));
  assert.equal(log.dropped, 150);
  assert.equal(log.buffered, 100);
  await log.close();
  const all = store.batches.flat();
  assert.equal(all.length, 100);
  assert.deepEqual(
    all.map((c) => c.callId),
    Array.from({ length: 100 }, (_, i) => `c${150 + i}`),
    'the newest 100, in order',
  );
});

test('call log: the retention job prunes by age on its timer, with its clock', async () => {
  const store = fakeStore();
  const clock = new Date('2026-03-01T00:00:00Z');
  const log = new CallLog(store, { pruneIntervalMs: 20, now: () => clock });
  await waitFor(() => store.pruned.length >= 1, 10_000, 'a retention run');
  await log.close();
  assert.equal(store.pruned[0], clock);
});
