import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewCallRecord } from '../../../src/store/types.js';
import { apiFixture, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api-fixture.js';
import { expectFailure } from '../expect-failure.js';

after(stopSharedPostgres);

const T0 = Date.parse('2026-02-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** RFC 4180 parser for the tests: quoted fields with doubled quotes, commas and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

for (const kind of STORE_KINDS) {
  describe(`call records (CDRs) API on ${kind}`, () => {
    let f: ApiFixture;
    let t1: string;
    let t2: string;
    const raw = (path: string, headers: Record<string, string> = {}) =>
      f.app.inject({
        method: 'GET',
        url: `/v2/accounts/${f.account.accountSid}${path}`,
        headers: { authorization: f.auth, ...headers },
      });

    before(async () => {
      f = await apiFixture(kind);
      t1 = await f.createTrunk('cdr_one');
      t2 = await f.createTrunk('cdr_two');
      const rows: NewCallRecord[] = Array.from({ length: 120 }, (_, i) => ({
        callId: `call-${i}`,
        accountSid: f.account.accountSid,
        trunkSid: i % 3 === 0 ? t2 : t1,
        direction: i % 2 === 0 ? 'termination' : 'origination',
        caller: '+919876543210',
        callee: i % 10 === 0 ? '+14155550100' : '+14155550111',
        sourceIp: '127.0.0.1',
        sourcePort: 5060,
        transport: 'udp',
        finalCode: i % 4 === 0 ? 503 : 200,
        cause: i % 4 === 0 ? 'carrier_unavailable' : 'completed',
        // A value that needs CSV quoting: comma, quote and line break.
        destination: i === 7 ? 'sip:a,"b"\r\nc@example.com' : null,
        startedAt: iso(T0 + i * 3_600_000), // one per hour: 24 per day
        answeredAt: i % 4 === 0 ? null : iso(T0 + i * 3_600_000 + 2000),
        endedAt: null,
        durationMs: i % 4 === 0 ? null : 1000 * i,
      }));
      await f.store.insertCalls(rows);
    });
    after(() => f.close());

    test('account-wide list: cursor pages cover everything once, newest first; page URIs keep filters', async () => {
      const seen: string[] = [];
      let url: string | null = '/calls?page_size=25&direction=termination';
      let pages = 0;
      while (url !== null) {
        const r = await f.api('GET', url.replace(`/v2/accounts/${f.account.accountSid}`, ''));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const { data, metadata } = r.body.response;
        seen.push(...data.map((c: { call_id: string }) => c.call_id));
        assert.equal(metadata.count, data.length);
        assert.equal(metadata.page_size, 25);
        assert.match(metadata.first_page_uri, /direction=termination/);
        url = metadata.next_page_uri;
        if (url !== null) assert.match(url, /cursor=/);
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual(
        seen,
        Array.from({ length: 60 }, (_, k) => `call-${118 - 2 * k}`),
      );
    });

    test('filters: one day, trunk, result, cause, number', async () => {
      const q = async (query: string) => {
        const r = await f.api('GET', `/calls?page_size=100&${query}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.response.data as Array<Record<string, unknown>>;
      };
      const day = await q('from=2026-02-02&to=2026-02-03');
      assert.deepEqual(
        day.map((c) => c.call_id),
        Array.from({ length: 24 }, (_, k) => `call-${47 - k}`),
      );
      assert.equal((await q('from=2026-02-02T05:00:00%2B05:00&to=2026-02-02T01:00:00Z')).length, 1);
      assert.equal((await q(`trunk_sid=${t2}`)).length, 40);
      assert.equal((await q('result=failed')).length, 30);
      assert.equal((await q('result=completed&cause=completed')).length, 90);
      assert.equal((await q('cause=carrier_unavailable&direction=origination')).length, 0);
      assert.equal((await q('number=%2B1%20415%20555%200100')).length, 12);
      const perTrunk = await f.api('GET', `/trunks/${t1}/calls?from=2026-02-02&to=2026-02-03&result=failed`);
      assert.equal(perTrunk.body.response.metadata.total, 4);
    });

    test('bad filters and cursors are 400s that name the field', async () => {
      expectFailure(
        await f.api('GET', '/calls?from=yesterday'),
        400,
        1000,
        /^from: "yesterday" is not valid; expected .*ISO-8601/,
      );
      expectFailure(await f.api('GET', '/calls?number=12'), 400, 1000, /^number: /);
      expectFailure(await f.api('GET', '/calls?cursor=bm9wZQ'), 400, 1000, /^cursor: /);
      expectFailure(await f.api('GET', '/calls?page_size=500'), 400, 1000, /^page_size: /);
      expectFailure(await f.api('GET', '/calls?direction=sideways'), 400, 1000, /^direction: /);
      expectFailure(await f.api('GET', '/calls?cause=DROP%20TABLE'), 400, 1000, /^cause: /);
    });

    test('CSV export: header of documented columns, RFC 4180 quoting, same records as the list', async () => {
      const r = await raw('/calls.csv?from=2026-02-01&to=2026-02-02');
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^text\/csv/);
      const rows = parseCsv(r.body);
      const [header, ...records] = rows;
      assert.ok(header!.includes('call_id') && header!.includes('final_code') && header!.includes('started_at'));
      assert.equal(records.length, 24);
      const col = (name: string) => header!.indexOf(name);
      assert.equal(records[0]![col('call_id')], 'call-23');
      const seven = records.find((x) => x[col('call_id')] === 'call-7')!;
      assert.equal(seven[col('destination')], 'sip:a,"b"\r\nc@example.com');
      assert.equal(seven[col('answered_at')], iso(T0 + 7 * 3_600_000 + 2000));
      assert.equal(records.find((x) => x[col('call_id')] === 'call-4')![col('answered_at')], '', 'null is empty');
      // Accept negotiation on the list path gives the same bytes.
      const viaAccept = await raw('/calls?from=2026-02-01&to=2026-02-02', { accept: 'text/csv' });
      assert.equal(viaAccept.body, r.body);
    });

    test('NDJSON export: one JSON call per line, the list objects, per trunk too', async () => {
      const r = await raw('/calls.ndjson');
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'application/x-ndjson');
      const lines = r.body.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 120);
      const first = JSON.parse(lines[0]!);
      assert.equal(first.call_id, 'call-119');
      const list = await f.api('GET', '/calls?page_size=1');
      assert.deepEqual(first, list.body.response.data[0]);
      const trunk = await raw(`/trunks/${t2}/calls.ndjson?result=failed`);
      const ids = trunk.body
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l).call_id);
      assert.equal(ids.length, 10);
      const accept = await raw(`/trunks/${t2}/calls?result=failed`, { accept: 'application/x-ndjson' });
      assert.equal(accept.body, trunk.body);
      const empty = await raw('/calls.csv?from=2030-01-01');
      assert.equal(parseCsv(empty.body).length, 1, 'header only');
      const missing = await raw('/trunks/nope/calls.csv');
      expectFailure({ status: missing.statusCode, body: missing.json() }, 404, 1003);
    });

    test('account settings: retention defaults to 90 days and can be changed', async () => {
      const get = await f.api('GET', '/settings');
      assert.deepEqual(get.body.response.data, { cdr_retention_days: 90 });
      const put = await f.api('PUT', '/settings', { cdr_retention_days: 30 });
      assert.equal(put.status, 200);
      assert.deepEqual(put.body.response.data, { cdr_retention_days: 30 });
      assert.deepEqual((await f.api('GET', '/settings')).body.response.data, { cdr_retention_days: 30 });
      expectFailure(await f.api('PUT', '/settings', { cdr_retention_days: 0 }), 400, 1000, /cdr_retention_days/);
      expectFailure(await f.api('PUT', '/settings', {}), 400, 1000);
    });
  });
}
