import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api-fixture.js';

after(stopSharedPostgres);

function expectFailure(r: { status: number; body: any }, status: number, code: number, description?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.http_code, status);
  assert.equal(r.body.response.status, 'failure');
  assert.equal(r.body.response.error_data.code, code);
  if (description) assert.match(r.body.response.error_data.description, description);
}

for (const kind of STORE_KINDS) {
  describe(`trunk sub-resources on ${kind}`, () => {
    let f: ApiFixture;
    let trunk: string;
    before(async () => {
      f = await apiFixture(kind);
      trunk = await f.createTrunk('items');
    });
    after(() => f.close());

    test('phone numbers: map (canonical E.164, default mode pstn), list, get, update mode, delete', async () => {
      const r = await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+91 98765 43210' });
      assert.equal(r.status, 200);
      const n = r.body.response.data;
      assert.match(n.id, /^\d+$/);
      assert.equal(n.phone_number, '+919876543210');
      assert.equal(n.mode, 'pstn');
      const flow = await f.api('POST', `/trunks/${trunk}/phone-numbers`, {
        phone_number: '+14155550100',
        mode: 'flow',
      });
      assert.equal(flow.body.response.data.mode, 'flow');
      const list = await f.api('GET', `/trunks/${trunk}/phone-numbers`);
      assert.deepEqual(
        list.body.response.data.map((x: any) => x.phone_number),
        ['+919876543210', '+14155550100'],
      );
      assert.equal(list.body.response.metadata.total, 2);
      const got = await f.api('GET', `/trunks/${trunk}/phone-numbers/${n.id}`);
      assert.equal(got.body.response.data.phone_number, '+919876543210');
      const put = await f.api('PUT', `/trunks/${trunk}/phone-numbers/${n.id}`, {
        phone_number: '+919876543210',
        mode: 'flow',
      });
      assert.equal(put.status, 200);
      assert.equal(put.body.response.data.mode, 'flow');
      expectFailure(await f.api('PUT', `/trunks/${trunk}/phone-numbers/99999`, { mode: 'flow' }), 404, 1003);
      const del = await f.api('DELETE', `/trunks/${trunk}/phone-numbers?id=${flow.body.response.data.id}`);
      assert.deepEqual(del.body.response.data, { id: flow.body.response.data.id, deleted: true });
      expectFailure(await f.api('GET', `/trunks/${trunk}/phone-numbers/${flow.body.response.data.id}`), 404, 1003);
      expectFailure(
        await f.api('DELETE', `/trunks/${trunk}/phone-numbers?id=${flow.body.response.data.id}`),
        404,
        1003,
      );
    });

    test('phone numbers: a number mapped to any trunk is 409; races map it once', async () => {
      const other = await f.createTrunk('other');
      expectFailure(
        await f.api('POST', `/trunks/${other}/phone-numbers`, { phone_number: '+919876543210' }),
        409,
        1002,
        /already mapped to a trunk/,
      );
      const body = { phone_number: '+442071838750' };
      const results = await Promise.all([
        f.api('POST', `/trunks/${trunk}/phone-numbers`, body),
        f.api('POST', `/trunks/${other}/phone-numbers`, body),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    });

    test('phone numbers: validation names the field and format; unknown trunk is 404', async () => {
      for (const phone_number of ['919876543210', '+12', 'abc', '']) {
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number }),
          400,
          1000,
          /^phone_number: .*E\.164/,
        );
      }
      expectFailure(
        await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+14155550199', mode: 'sip' }),
        400,
        1000,
        /^mode: "sip" is not valid; expected pstn .* or flow/,
      );
      expectFailure(
        await f.api('POST', `/trunks/${trunk}/phone-numbers`, {}),
        400,
        1000,
        /^phone_number is required; expected E\.164/,
      );
      expectFailure(
        await f.api('POST', '/trunks/nope/phone-numbers', { phone_number: '+14155550199' }),
        404,
        1003,
        /trunk_sid/,
      );
      expectFailure(await f.api('GET', '/trunks/nope/phone-numbers'), 404, 1003);
    });

    test(
      'whitelisted IPs: add (mask as integer or numeric string), list, update, delete; host bits ' + 'rejected',
      async () => {
        const a = await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '127.0.0.1', mask: 32 });
        assert.equal(a.status, 200);
        assert.equal(a.body.response.data.ip, '127.0.0.1');
        assert.equal(a.body.response.data.mask, 32);
        const b = await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '10.1.0.0', mask: '16' });
        assert.equal(b.status, 200);
        assert.equal(b.body.response.data.mask, 16);
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '127.0.0.1', mask: 32 }),
          409,
          1002,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '192.168.1.5', mask: 24 }),
          400,
          1000,
          /^ip: .*network address 192\.168\.1\.0/,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '300.1.1.1', mask: 32 }),
          400,
          1000,
          /^ip: .*dotted IPv4/,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '1.2.3.4', mask: 33 }),
          400,
          1000,
          /^mask: .*0 to 32/,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '1.2.3.4', mask: null }),
          400,
          1000,
          /^mask: /,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '1.2.3.4' }),
          400,
          1000,
          /^mask is required; expected an integer prefix length/,
        );
        const list = await f.api('GET', `/trunks/${trunk}/whitelisted-ips?page_size=1`);
        assert.equal(list.body.response.data.length, 1);
        assert.equal(list.body.response.metadata.total, 2);
        assert.match(list.body.response.metadata.next_page_uri, /offset=1&page_size=1$/);
        const id = b.body.response.data.id;
        const put = await f.api('PUT', `/trunks/${trunk}/whitelisted-ips/${id}`, { mask: 8, ip: '10.0.0.0' });
        assert.equal(put.status, 200);
        assert.equal(put.body.response.data.mask, 8);
        expectFailure(
          await f.api('PUT', `/trunks/${trunk}/whitelisted-ips/${id}`, { mask: 4 }),
          400,
          1000,
          /^ip: 10\.0\.0\.0 has host bits set beyond mask \/4; use the network address 0\.0\.0\.0/,
        );
        assert.equal((await f.api('DELETE', `/trunks/${trunk}/whitelisted-ips/${id}`)).status, 200);
        assert.equal((await f.api('GET', `/trunks/${trunk}/whitelisted-ips`)).body.response.metadata.total, 1);
      },
    );

    test(
      'destination URIs: several in one call, priority/weight, 207 on partial failure, all-failed ' + 'status',
      async () => {
        const ok = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
          destinations: [
            { destination: '127.0.0.1:5061;transport=tls' },
            { destination: 'PBX.example.com:5060;transport=TCP', priority: 2, weight: 50 },
          ],
        });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.response.status, 'success');
        assert.equal(ok.body.response.data.length, 2);
        assert.equal(ok.body.response.data[0].status, 'success');
        assert.equal(ok.body.response.data[0].data.priority, 1);
        assert.equal(ok.body.response.data[1].data.destination, 'pbx.example.com:5060;transport=tcp');
        assert.equal(ok.body.response.data[1].data.weight, 50);

        const partial = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
          destinations: [
            { destination: '192.0.2.10:5061;transport=tls' },
            { destination: '192.0.2.11:5061' },
            { destination: '127.0.0.1:5061;transport=tls' },
          ],
        });
        assert.equal(partial.status, 207);
        assert.equal(partial.body.http_code, 207);
        assert.equal(partial.body.response.error_data.code, 1030);
        const items = partial.body.response.data;
        assert.deepEqual(
          items.map((i: any) => i.code),
          [200, 400, 409],
        );
        assert.match(items[1].error_data.description, /^destinations\[1\]\.destination: .*transport=<tls\|tcp>/);
        assert.equal(items[2].error_data.code, 1002);

        const allBad = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
          destinations: [{ destination: 'x' }, { destination: 'y:1;transport=udp' }],
        });
        expectFailure(allBad, 400, 1000, /all 2 items failed/);
        assert.equal(allBad.body.response.data.length, 2);
        const allDup = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
          destinations: [{ destination: '127.0.0.1:5061;transport=tls' }],
        });
        expectFailure(allDup, 409, 1002);

        expectFailure(
          await f.api('POST', `/trunks/${trunk}/destination-uris`, { destinations: [] }),
          400,
          1000,
          /^destinations: \[\] is not valid; expected an array of 1-20/,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/destination-uris`, {
            destinations: [{ destination: '1.2.3.4:5061;transport=tls', priority: -1 }],
          }),
          400,
          1000,
          /^destinations\[0\]\.priority: -1 is not valid; expected an integer 0-65535/,
        );
        expectFailure(
          await f.api('POST', `/trunks/${trunk}/destination-uris`, { destination: '1.2.3.4:5061;transport=tls' }),
          400,
          1000,
          /destinations is required/,
        );

        const list = await f.api('GET', `/trunks/${trunk}/destination-uris`);
        assert.equal(list.body.response.metadata.total, 3);
        const id = list.body.response.data[0].id;
        const put = await f.api('PUT', `/trunks/${trunk}/destination-uris/${id}`, { priority: 5 });
        assert.equal(put.body.response.data.priority, 5);
        assert.equal((await f.api('DELETE', `/trunks/${trunk}/destination-uris?id=${id}`)).status, 200);
        assert.equal((await f.api('GET', `/trunks/${trunk}/destination-uris`)).body.response.metadata.total, 2);
      },
    );

    test('settings: set trunk_external_alias (canonical), list, unknown names rejected per item, delete', async () => {
      const r = await f.api('POST', `/trunks/${trunk}/settings`, {
        settings: [{ name: 'trunk_external_alias', value: '+91 98765 43210' }],
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.response.data[0].data.value, '+919876543210');
      const mixed = await f.api('POST', `/trunks/${trunk}/settings`, {
        settings: [
          { name: 'trunk_external_alias', value: '+14155550100' },
          { name: 'colour', value: 'blue' },
        ],
      });
      assert.equal(mixed.status, 207);
      assert.match(
        mixed.body.response.data[1].error_data.description,
        /^settings\[1\]\.name: "colour" is not a known setting; expected one of trunk_external_alias/,
      );
      expectFailure(
        await f.api('POST', `/trunks/${trunk}/settings`, { settings: [{ name: 'trunk_external_alias', value: '12' }] }),
        400,
        1000,
        /settings\[0\]\.value: .*E\.164/,
      );
      const list = await f.api('GET', `/trunks/${trunk}/settings`);
      assert.deepEqual(
        list.body.response.data.map((s: any) => [s.name, s.value]),
        [['trunk_external_alias', '+14155550100']],
      );
      assert.equal((await f.api('DELETE', `/trunks/${trunk}/settings?name=trunk_external_alias`)).status, 200);
      expectFailure(await f.api('DELETE', `/trunks/${trunk}/settings?name=trunk_external_alias`), 404, 1003);
      assert.deepEqual((await f.api('GET', `/trunks/${trunk}/settings`)).body.response.data, []);
    });

    test('credentials: username is the trunk_sid, password strong; rotate replaces it', async () => {
      const r = await f.api('GET', `/trunks/${trunk}/credentials`);
      assert.equal(r.status, 200);
      assert.equal(r.body.response.data.username, trunk);
      const first = r.body.response.data.password as string;
      assert.ok(first.length >= 22, 'at least 128 bits of randomness');
      const rot = await f.api('POST', `/trunks/${trunk}/credentials/rotate`);
      assert.equal(rot.status, 200);
      assert.notEqual(rot.body.response.data.password, first);
      assert.equal(
        (await f.api('GET', `/trunks/${trunk}/credentials`)).body.response.data.password,
        rot.body.response.data.password,
      );
      assert.ok(
        !f.logLines.some((l) => l.includes(first) || l.includes(rot.body.response.data.password)),
        'SIP passwords never logged',
      );
    });

    test('calls: the gateway call log, filtered and paged', async () => {
      const base = {
        accountSid: f.account.accountSid,
        trunkSid: trunk,
        direction: 'termination' as const,
        caller: '+919876543210',
        callee: '+14155550100',
        sourceIp: '127.0.0.1',
        sourcePort: 5060,
        transport: 'udp',
        destination: null,
        answeredAt: null,
        endedAt: null,
        durationMs: null,
      };
      await f.store.insertCalls([
        {
          ...base,
          callId: 'c1',
          finalCode: 200,
          cause: 'completed',
          startedAt: '2026-01-01T00:00:00Z',
          answeredAt: '2026-01-01T00:00:01Z',
        },
        { ...base, callId: 'c2', finalCode: 403, cause: 'ip_not_whitelisted', startedAt: '2026-01-01T00:00:02Z' },
      ]);
      const all = await f.api('GET', `/trunks/${trunk}/calls`);
      assert.equal(all.status, 200);
      assert.equal(all.body.response.metadata.total, 2);
      const failed = await f.api('GET', `/trunks/${trunk}/calls?result=failed`);
      assert.deepEqual(
        failed.body.response.data.map((c: any) => [c.call_id, c.final_code, c.cause]),
        [['c2', 403, 'ip_not_whitelisted']],
      );
      assert.match(failed.body.response.metadata.first_page_uri, /result=failed/);
      const one = await f.api('GET', `/trunks/${trunk}/calls?call_id=c1`);
      assert.deepEqual(
        one.body.response.data.map((c: any) => c.call_id),
        ['c1'],
      );
      expectFailure(
        await f.api('GET', `/trunks/${trunk}/calls?result=some`),
        400,
        1000,
        /^result: "some" is not valid; expected failed/,
      );
    });
  });
}
