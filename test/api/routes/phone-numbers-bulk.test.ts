import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api-fixture.js';
import { expectFailure } from '../expect-failure.js';

after(stopSharedPostgres);

const num = (i: number) => `+1415${String(5_000_000 + i).padStart(7, '0')}`;

for (const kind of STORE_KINDS) {
  describe(`bulk phone numbers on ${kind}`, () => {
    let f: ApiFixture;
    before(async () => {
      f = await apiFixture(kind);
    });
    after(() => f.close());

    const csv = (method: string, path: string, body?: string) =>
      f.app.inject({
        method: method as 'GET',
        url: `/v2/accounts/${f.account.accountSid}${path}`,
        headers: { authorization: f.auth, ...(body !== undefined ? { 'content-type': 'text/csv' } : {}) },
        ...(body !== undefined ? { payload: body } : {}),
      });

    test('1,000 numbers in one request; 1,001 is a 400', async () => {
      const trunk = await f.createTrunk('bulk_k');
      const items = Array.from({ length: 1000 }, (_, i) => ({
        phone_number: num(i),
        ...(i % 2 ? { mode: 'flow' } : {}),
      }));
      const r = await f.api('POST', `/trunks/${trunk}/phone-numbers/bulk`, { phone_numbers: items });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
      assert.equal(r.body.response.data.length, 1000);
      assert.equal(r.body.response.data[1].data.mode, 'flow');
      assert.equal(r.body.response.data[999].data.phone_number, num(999));
      assert.equal(
        (await f.api('GET', `/trunks/${trunk}/phone-numbers?page_size=1`)).body.response.metadata.total,
        1000,
      );
      const [g] = (await f.store.loadGatewayTrunks()).filter((t) => t.trunk.sid === trunk);
      assert.equal(g?.numbers.length, 1000);
      const tooMany = Array.from({ length: 1001 }, (_, i) => ({ phone_number: num(10_000 + i) }));
      expectFailure(await f.api('POST', `/trunks/${trunk}/phone-numbers/bulk`, { phone_numbers: tooMany }), 400, 1000);
    });

    test('partial failures: 207 with a result per item; the good ones are mapped', async () => {
      const trunk = await f.createTrunk('bulk_p');
      await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: num(2000) });
      const r = await f.api('POST', `/trunks/${trunk}/phone-numbers/bulk`, {
        phone_numbers: [
          { phone_number: num(2001) },
          { phone_number: '12345' },
          { phone_number: num(2000) },
          { phone_number: num(2002), mode: 'voice' },
          { phone_number: num(2001) },
          { phone_number: '+1 415 500-2003' },
        ],
      });
      assert.equal(r.status, 207);
      assert.equal(r.body.response.error_data.code, 1030);
      assert.deepEqual(
        r.body.response.data.map((x: any) => x.code),
        [200, 400, 409, 400, 400, 200],
      );
      assert.match(r.body.response.data[1].error_data.description, /^phone_numbers\[1\]\.phone_number: /);
      assert.match(r.body.response.data[4].error_data.description, /twice/);
      assert.equal(r.body.response.data[5].data.phone_number, num(2003));
      const listed = (await f.api('GET', `/trunks/${trunk}/phone-numbers`)).body.response.data.map(
        (n: any) => n.phone_number,
      );
      assert.deepEqual(listed.sort(), [num(2000), num(2001), num(2003)]);
    });

    test('all_or_nothing: one bad item and nothing is mapped', async () => {
      const trunk = await f.createTrunk('bulk_a');
      await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: num(3000) });
      const conflict = await f.api('POST', `/trunks/${trunk}/phone-numbers/bulk`, {
        all_or_nothing: true,
        phone_numbers: [{ phone_number: num(3001) }, { phone_number: num(3000) }],
      });
      assert.equal(conflict.status, 400, 'every item failed, with different errors');
      assert.deepEqual(
        conflict.body.response.data.map((x: any) => x.code),
        [400, 409],
      );
      assert.match(conflict.body.response.data[0].error_data.description, /all_or_nothing/);
      const invalid = await f.api('POST', `/trunks/${trunk}/phone-numbers/bulk`, {
        all_or_nothing: true,
        phone_numbers: [{ phone_number: num(3002) }, { phone_number: 'nope' }],
      });
      assert.equal(invalid.status, 400);
      assert.equal((await f.api('GET', `/trunks/${trunk}/phone-numbers`)).body.response.metadata.total, 1);
    });

    test('CSV import (header, quoting, line numbers) and export in the same format', async () => {
      const trunk = await f.createTrunk('bulk_c');
      const bad = 'not-a-number,pstn\n\n"+1 (415) 500-4002"\n';
      const body = `phone_number,mode\r\n"${num(4000)}",pstn\n${num(4001)},flow\n${bad}`;
      const r = await csv('POST', `/trunks/${trunk}/phone-numbers.csv`, body);
      assert.equal(r.statusCode, 207, r.body);
      const data = r.json().response.data;
      assert.deepEqual(
        data.map((x: any) => x.code),
        [200, 200, 400, 200],
      );
      assert.match(data[2].error_data.description, /^line 4\.phone_number: "not-a-number"/);
      const out = await csv('GET', `/trunks/${trunk}/phone-numbers.csv`);
      assert.equal(out.statusCode, 200);
      assert.match(String(out.headers['content-type']), /^text\/csv/);
      const lines = out.body.trim().split('\r\n');
      assert.equal(lines[0], 'id,phone_number,mode,date_created,date_updated');
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(',').slice(1, 3).join(',')),
        [`${num(4000)},pstn`, `${num(4001)},flow`, `${num(4002)},pstn`],
      );
      // The export imports as is (into another trunk, once the numbers are free).
      const again = await csv('POST', `/trunks/${trunk}/phone-numbers.csv?all_or_nothing=true`, out.body);
      assert.equal(again.statusCode, 409, 'all already mapped');
      const unclosed = await csv('POST', `/trunks/${trunk}/phone-numbers.csv`, `"${num(4005)}\n`);
      assert.equal(unclosed.statusCode, 400);
      assert.match(unclosed.json().response.error_data.description, /line 1: a quoted field is never closed/);
      // CSV is accepted on this route only.
      const elsewhere = await csv('POST', `/trunks/${trunk}/phone-numbers`, `${num(4006)}\n`);
      assert.equal(elsewhere.statusCode, 415);
    });
  });
}
