import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallState } from '../../src/gateway/call-record.js';
import { DialogTable } from '../../src/gateway/dialog-table.js';
import type { CallLog } from '../../src/gateway/call-log.js';
import type { GatewayMetrics } from '../../src/gateway/gateway-metrics.js';
import type { NewCallRecord } from '../../src/store/types.js';

/** The answered-call table alone: bounded (oldest closed first), end once, sweep by age. */
function table(max: number) {
  const records: NewCallRecord[] = [];
  const ended: string[] = [];
  const sink = {
    callLog: { record: (r: NewCallRecord) => records.push(r) } as unknown as CallLog,
    metrics: { callEnded: () => {}, call: () => {} } as unknown as GatewayMetrics,
  };
  const call = (callId: string, answeredAt: number): CallState => ({
    direction: 'termination',
    trunk: null,
    callId,
    caller: null,
    callee: null,
    source: { protocol: 'udp', address: '127.0.0.2', port: 5060, local: { address: '127.0.0.1', port: 5060 } },
    startedAt: answeredAt,
    answeredAt,
    destination: null,
    release: () => ended.push(callId),
  });
  return { t: new DialogTable(sink, max), records, ended, call };
}

test('end closes a call once and writes its record; an unknown Call-ID is reported as not held', () => {
  const { t, records, ended, call } = table(10);
  t.add(call('a', 1000));
  assert.equal(t.size, 1);
  assert.equal(t.get('a')?.callId, 'a');
  assert.equal(t.end('a', 200, 'completed'), true);
  assert.equal(t.end('a', 200, 'completed'), false);
  assert.deepEqual(ended, ['a']);
  assert.deepEqual(
    records.map((r) => [r.callId, r.finalCode, r.cause]),
    [['a', 200, 'completed']],
  );
});

test('a full table closes its oldest call to make room', () => {
  const { t, records, call } = table(2);
  t.add(call('a', 1));
  t.add(call('b', 2));
  t.add(call('c', 3));
  assert.equal(t.size, 2);
  assert.equal(t.get('a'), undefined);
  assert.deepEqual(
    records.map((r) => r.callId),
    ['a'],
  );
});

test('sweep closes calls older than the maximum duration as expired and stops at the first younger one', () => {
  const { t, records, call } = table(10);
  t.add(call('a', 0));
  t.add(call('b', 500));
  t.add(call('c', 2000));
  assert.equal(t.sweep(1000, 2100), 2);
  assert.deepEqual(
    records.map((r) => [r.callId, r.cause]),
    [
      ['a', 'expired'],
      ['b', 'expired'],
    ],
  );
  assert.equal(t.get('c')?.callId, 'c');
});
