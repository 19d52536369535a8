/**
 * A large CDR export streams: the server's memory grows by about one batch, not by the size of the
 * export. Real socket (inject would buffer the whole answer in the test), SQLite, records padded so
 * that the export is several times the allowed growth.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NewCallRecord } from '../../src/store/types.js';
import { apiFixture, type ApiFixture } from './api-fixture.js';

const RECORDS = 60_000;
const PAD = 'x'.repeat(2000);
/**
 * Whole-set buffering would grow by more than the export itself (about 135 MB). Streaming grows by
 * a batch plus what the GC has not collected yet: 20–40 MB on a quiet machine, 77.5 MB once under
 * `stress-ng --cpu 2` (collection runs later on a busy machine), so the bound sits between the two.
 */
const MAX_GROWTH_MB = 96;

let f: ApiFixture;
before(async () => {
  f = await apiFixture('sqlite');
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < RECORDS; i += 5000) {
    const batch: NewCallRecord[] = [];
    for (let k = i; k < i + 5000; k++) {
      batch.push({
        callId: `big-${k}`,
        accountSid: f.account.accountSid,
        trunkSid: null,
        direction: 'termination',
        caller: '+919876543210',
        callee: '+14155550100',
        sourceIp: '127.0.0.1',
        sourcePort: 5060,
        transport: 'udp',
        finalCode: 200,
        cause: 'completed',
        destination: `sip:${k}@${PAD}`,
        startedAt: new Date(t0 + k * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        answeredAt: null,
        endedAt: null,
        durationMs: null,
      });
    }
    await f.store.insertCalls(batch);
  }
  await f.app.listen({ port: 0, host: '127.0.0.1' });
});
after(() => f.close());

test(`exporting ${RECORDS} padded records keeps RSS growth under ${MAX_GROWTH_MB} MB`, async () => {
  const { port } = f.app.server.address() as AddressInfo;
  const base = process.memoryUsage().rss;
  let peak = base;
  let bytes = 0;
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/v2/accounts/${f.account.accountSid}/calls.ndjson`,
        headers: { authorization: f.auth },
      },
      (res) => {
        assert.equal(res.statusCode, 200);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          peak = Math.max(peak, process.memoryUsage().rss);
        });
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
  assert.equal(lines, RECORDS, 'every record exported');
  const growthMb = (peak - base) / 2 ** 20;
  assert.ok(bytes > 1.3 * MAX_GROWTH_MB * 2 ** 20, `export is ${(bytes / 2 ** 20).toFixed(0)} MB`);
  assert.ok(
    growthMb < MAX_GROWTH_MB,
    `RSS grew ${growthMb.toFixed(1)} MB for a ${(bytes / 2 ** 20).toFixed(0)} MB export`,
  );
  console.log(`# export ${(bytes / 2 ** 20).toFixed(0)} MB, RSS growth ${growthMb.toFixed(1)} MB`);
});
