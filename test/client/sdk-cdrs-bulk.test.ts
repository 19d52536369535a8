/** The SDK on CDR paging and exports and on bulk numbers, against buildApp by inject. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VsipClient } from '../../src/index.js';
import type { NewCallRecord } from '../../src/store/types.js';
import { apiFixture, type ApiFixture } from '../api/api-fixture.js';
import { injectFetch } from '../support/inject-fetch.js';

let f: ApiFixture;
let vsip: VsipClient;
before(async () => {
  f = await apiFixture('sqlite');
  vsip = new VsipClient({
    baseUrl: 'http://vsip.test',
    accountSid: f.account.accountSid,
    apiKey: f.account.apiKey,
    apiToken: f.account.apiToken,
    fetch: injectFetch(f.app),
  });
});
after(() => f.close());

test('calls.records / iterateRecords page by cursor; export returns CSV and NDJSON text', async () => {
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const rows: NewCallRecord[] = Array.from({ length: 250 }, (_, i) => ({
    callId: `sdk-${i}`,
    accountSid: f.account.accountSid,
    trunkSid: null,
    direction: 'origination',
    caller: '+14155550100',
    callee: '+919876543210',
    sourceIp: '127.0.0.1',
    sourcePort: 5060,
    transport: 'tcp',
    finalCode: i % 5 === 0 ? 480 : 200,
    cause: i % 5 === 0 ? 'no_answer' : 'completed',
    destination: null,
    startedAt: new Date(t0 + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    answeredAt: null,
    endedAt: null,
    durationMs: null,
  }));
  await f.store.insertCalls(rows);
  const first = await vsip.calls.records({ result: 'failed' }, { pageSize: 20 });
  assert.equal(first.items.length, 20);
  assert.notEqual(first.nextCursor, null);
  const all: string[] = [];
  for await (const c of vsip.calls.iterateRecords({ result: 'failed' }, 7)) all.push(c.call_id);
  assert.equal(all.length, 50);
  assert.equal(all[0], 'sdk-245');
  const csv = await vsip.calls.export('csv', {
    cause: 'no_answer',
    from: '2026-03-01T00:00:00Z',
    to: '2026-03-01T01:00:00Z',
  });
  assert.equal(csv.trim().split('\r\n').length, 1 + 12);
  const ndjson = await vsip.calls.export('ndjson', { number: '+14155550100' });
  assert.equal(ndjson.trim().split('\n').length, 250);
});

test('phoneNumbers.addMany, importCsv and exportCsv', async () => {
  const trunk = await f.createTrunk('sdk_bulk');
  const many = await vsip.phoneNumbers.addMany(trunk, [{ phone_number: '+14155550201' }, { phone_number: 'x' }]);
  assert.equal(many.items.length, 1);
  assert.equal(many.errors.length, 1);
  const csv = await vsip.phoneNumbers.importCsv(trunk, '+14155550202,flow\n+14155550201\n');
  assert.deepEqual(
    csv.items.map((n) => n.phone_number),
    ['+14155550202'],
  );
  assert.match(csv.errors[0]?.description ?? '', /already mapped/);
  const out = await vsip.phoneNumbers.exportCsv(trunk);
  assert.match(out, /,\+14155550202,flow,/);
});
