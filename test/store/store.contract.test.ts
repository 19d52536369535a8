/**
 * The Store contract, run against SQLite and a real PostgreSQL (embedded, one cluster for the
 * file). Each test gets its own empty store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { StoreError } from '../../src/store/types.js';
import type { NewCallRecord, Store } from '../../src/store/types.js';
import { makeFixture } from './store-fixtures.js';
import type { Fixture, Kind } from './store-fixtures.js';

const PAGE = { offset: 0, limit: 50 };

async function rejectsWith(p: Promise<unknown>, kind: StoreError['kind'], field?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  });
}

async function accountWithTrunk(store: Store, name = 'main') {
  const acct = await store.createAccount('acme');
  const trunk = await store.createTrunk({
    accountSid: acct.accountSid,
    name,
    nsoCode: 'ANY-ANY',
    domainName: `${acct.accountSid}.pstn.exotel.com`,
  });
  return { acct, a: acct.accountSid, trunk, t: trunk.sid };
}

const dest = (host: string, port = 5061, transport: 'tls' | 'tcp' = 'tls') => ({
  destination: `${host}:${port};transport=${transport}`,
  host,
  port,
  transport,
  priority: 1,
  weight: 10,
});

function call(i: number, over: Partial<NewCallRecord> = {}): NewCallRecord {
  return {
    callId: `c${i}@pbx`,
    accountSid: null,
    trunkSid: null,
    direction: 'termination',
    caller: '+14155550100',
    callee: '+919876543210',
    sourceIp: '127.0.0.1',
    sourcePort: 5060,
    transport: 'udp',
    finalCode: 200,
    cause: 'completed',
    destination: null,
    startedAt: '2026-01-01T00:00:00Z',
    answeredAt: '2026-01-01T00:00:01Z',
    endedAt: '2026-01-01T00:00:05Z',
    durationMs: 4000,
    // Migration 0005: every other record went through a carrier, the rest records none.
    carrier: i % 2 === 0 ? 'acme' : null,
    carrierAttempts: i % 2 === 0 ? '[{"carrier":"acme","uri":"192.0.2.1","code":200}]' : null,
    ...over,
  };
}

/** Waits until `pred` holds (polling), or fails after `ms`. */
async function eventually(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`store contract on ${kind}`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture(kind);
      if (fx.postgres) console.log(`# embedded PostgreSQL ready in ${fx.postgres.startupSeconds.toFixed(2)} s`);
    });
    after(() => fx.cleanup());

    test('accounts: create, list, count, get, authenticate, rotate token', async () => {
      const { store } = await fx.fresh();
      assert.equal(await store.countAccounts(), 0);
      const c = await store.createAccount('first');
      assert.match(c.accountSid, /^[a-z0-9]{1,63}$/);
      assert.match(c.apiKey, /^[0-9a-f]{20}$/);
      assert.ok(Buffer.from(c.apiToken, 'base64url').length >= 32);
      const c2 = await store.createAccount('second');
      assert.equal(await store.countAccounts(), 2);
      assert.deepEqual((await store.listAccounts()).map((a) => a.sid).sort(), [c.accountSid, c2.accountSid].sort());
      const acct = await store.getAccount(c.accountSid);
      assert.equal(acct?.name, 'first');
      assert.match(acct!.dateCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(await store.getAccount('vsipnope'), null);
      assert.equal((await store.authenticate(c.apiKey, c.apiToken))?.sid, c.accountSid);
      assert.equal(await store.authenticate(c.apiKey, c2.apiToken), null);
      assert.equal(await store.authenticate('0'.repeat(20), c.apiToken), null);
      const r = await store.rotateAccountToken(c.accountSid);
      assert.equal(r.apiKey, c.apiKey);
      assert.notEqual(r.apiToken, c.apiToken);
      assert.equal(await store.authenticate(c.apiKey, c.apiToken), null);
      assert.equal((await store.authenticate(c.apiKey, r.apiToken))?.sid, c.accountSid);
      await rejectsWith(store.rotateAccountToken('vsipnope'), 'not_found');
    });

    test('trunks: create, get, list pages, update, scoping across accounts', async () => {
      const { store } = await fx.fresh();
      const { a, trunk, t } = await accountWithTrunk(store);
      assert.match(t, /^trmum1[0-9a-f]{24}$/);
      assert.equal(trunk.status, 'active');
      assert.equal(trunk.authType, 'ip_whitelist');
      assert.equal(trunk.registrationEnabled, false);
      assert.equal(trunk.secureTrunking, false);
      assert.equal(trunk.maxCallsPerSecond, null);
      assert.deepEqual(await store.getTrunk(a, t), trunk);
      for (let i = 1; i <= 4; i++)
        await store.createTrunk({
          accountSid: a,
          name: `t${i}`,
          nsoCode: 'X',
          domainName: 'd',
          secureTrunking: true,
          maxCallsPerSecond: i,
        });
      const page = await store.listTrunks(a, { offset: 1, limit: 2 });
      assert.equal(page.total, 5);
      assert.deepEqual(
        page.items.map((x) => x.name),
        ['t1', 't2'],
      );
      assert.equal(page.items[0]!.secureTrunking, true);
      assert.equal(page.items[1]!.maxCallsPerSecond, 2);
      assert.deepEqual((await store.listTrunks(a, { offset: 5, limit: 2 })).items, []);

      const other = await store.createAccount('other');
      assert.equal(await store.getTrunk(other.accountSid, t), null);
      assert.equal((await store.listTrunks(other.accountSid, PAGE)).total, 0);
      await rejectsWith(store.updateTrunk(other.accountSid, t, { name: 'x' }), 'not_found');
      await rejectsWith(store.deleteTrunk(other.accountSid, t), 'not_found');
      await rejectsWith(store.getSipPassword(other.accountSid, t), 'not_found');
      await rejectsWith(store.addPhoneNumber(other.accountSid, t, '+14155550100', 'pstn'), 'not_found');
      await rejectsWith(store.listPhoneNumbers(other.accountSid, t, PAGE), 'not_found');
      await rejectsWith(store.setSetting(other.accountSid, t, 'a', 'b'), 'not_found');
      // the same name is fine in another account
      await store.createTrunk({ accountSid: other.accountSid, name: 'main', nsoCode: 'X', domainName: 'd' });
      await rejectsWith(
        store.createTrunk({ accountSid: 'vsipnope', name: 'z', nsoCode: 'X', domainName: 'd' }),
        'not_found',
      );

      const u = await store.updateTrunk(a, t, {
        name: 'renamed',
        status: 'inactive',
        registrationEnabled: true,
        authType: 'credentials',
        edgePreference: 'mumbai',
        maxConcurrentCalls: 10,
      });
      assert.equal(u.name, 'renamed');
      assert.equal(u.status, 'inactive');
      assert.equal(u.registrationEnabled, true);
      assert.equal(u.authType, 'credentials');
      assert.equal(u.edgePreference, 'mumbai');
      assert.equal(u.maxConcurrentCalls, 10);
      assert.equal(u.nsoCode, 'ANY-ANY');
      assert.deepEqual(await store.getTrunk(a, t), u);
      await rejectsWith(store.updateTrunk(a, t, { name: 't1' }), 'conflict', 'trunk_name');
      await rejectsWith(
        store.createTrunk({ accountSid: a, name: 't2', nsoCode: 'X', domainName: 'd' }),
        'conflict',
        'trunk_name',
      );
    });

    test('racing createTrunk with one name: exactly one wins', async () => {
      const { store } = await fx.fresh();
      const { accountSid } = await store.createAccount('a');
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => store.createTrunk({ accountSid, name: 'same', nsoCode: 'X', domainName: 'd' })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected')
          assert.ok(r.reason instanceof StoreError && r.reason.kind === 'conflict' && r.reason.field === 'trunk_name');
      assert.equal((await store.listTrunks(accountSid, PAGE)).total, 1);
    });

    test('phone numbers: add, list pages, get, update, delete, global uniqueness', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const { a: a2, t: t2 } = await accountWithTrunk(store, 'second');
      const added = [];
      for (let i = 0; i < 5; i++)
        added.push(await store.addPhoneNumber(a, t, `+1415555010${i}`, i % 2 ? 'flow' : 'pstn'));
      assert.match(added[0]!.id, /^[1-9][0-9]*$/);
      assert.equal(added[1]!.mode, 'flow');
      const page = await store.listPhoneNumbers(a, t, { offset: 3, limit: 10 });
      assert.equal(page.total, 5);
      assert.deepEqual(
        page.items.map((n) => n.phoneNumber),
        ['+14155550103', '+14155550104'],
      );
      assert.deepEqual(await store.getPhoneNumber(a, t, added[0]!.id), added[0]);
      assert.equal(await store.getPhoneNumber(a2, t, added[0]!.id), null);
      assert.equal(await store.getPhoneNumber(a2, t2, added[0]!.id), null);
      assert.equal(await store.getPhoneNumber(a, t, 'abc'), null);
      assert.equal(await store.getPhoneNumber(a, t, '99999'), null);
      // a number mapped to any trunk — of any account — is a conflict
      await rejectsWith(store.addPhoneNumber(a, t, '+14155550100', 'pstn'), 'conflict', 'phone_number');
      await rejectsWith(store.addPhoneNumber(a2, t2, '+14155550100', 'pstn'), 'conflict', 'phone_number');
      const u = await store.updatePhoneNumber(a, t, added[0]!.id, { mode: 'flow', phoneNumber: '+14155550199' });
      assert.equal(u.mode, 'flow');
      assert.equal(u.phoneNumber, '+14155550199');
      assert.equal(u.dateCreated, added[0]!.dateCreated);
      await rejectsWith(
        store.updatePhoneNumber(a, t, added[0]!.id, { phoneNumber: '+14155550101' }),
        'conflict',
        'phone_number',
      );
      await rejectsWith(store.updatePhoneNumber(a2, t2, added[0]!.id, { mode: 'pstn' }), 'not_found');
      await rejectsWith(store.deletePhoneNumber(a2, t2, added[0]!.id), 'not_found');
      await store.deletePhoneNumber(a, t, added[0]!.id);
      await rejectsWith(store.deletePhoneNumber(a, t, added[0]!.id), 'not_found');
      await rejectsWith(store.deletePhoneNumber(a, t, 'x'), 'not_found');
      assert.equal((await store.listPhoneNumbers(a, t, PAGE)).total, 4);
      // the freed number can now go to another trunk
      await store.addPhoneNumber(a2, t2, '+14155550199', 'pstn');
    });

    test('racing addPhoneNumber of one number on two trunks: exactly one wins', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store, 'one');
      const t2 = (await store.createTrunk({ accountSid: a, name: 'two', nsoCode: 'X', domainName: 'd' })).sid;
      const results = await Promise.allSettled(
        [t, t2, t, t2].map((sid) => store.addPhoneNumber(a, sid, '+919876543210', 'pstn')),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected')
          assert.ok(
            r.reason instanceof StoreError && r.reason.kind === 'conflict' && r.reason.field === 'phone_number',
          );
      const total =
        (await store.listPhoneNumbers(a, t, PAGE)).total + (await store.listPhoneNumbers(a, t2, PAGE)).total;
      assert.equal(total, 1);
    });

    test('whitelisted IPs and destination URIs: CRUD and per-trunk uniqueness', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const { t: t2 } = await accountWithTrunk(store, 'b');
      const ip = await store.addWhitelistedIp(a, t, '10.0.0.0', 8);
      assert.deepEqual([ip.ip, ip.mask], ['10.0.0.0', 8]);
      await store.addWhitelistedIp(a, t, '10.0.0.0', 16); // same ip, other mask: distinct
      await rejectsWith(store.addWhitelistedIp(a, t, '10.0.0.0', 8), 'conflict', 'ip');
      const ip3 = await store.addWhitelistedIp(a, t, '127.0.0.1', 32);
      await rejectsWith(store.updateWhitelistedIp(a, t, ip3.id, { ip: '10.0.0.0', mask: 8 }), 'conflict', 'ip');
      const ipu = await store.updateWhitelistedIp(a, t, ip3.id, { mask: 31, ip: '127.0.0.0' });
      assert.deepEqual([ipu.ip, ipu.mask], ['127.0.0.0', 31]);
      assert.deepEqual(await store.getWhitelistedIp(a, t, ip3.id), ipu);
      assert.equal(await store.getWhitelistedIp(a, t2, ip3.id), null);
      assert.equal((await store.listWhitelistedIps(a, t, { offset: 0, limit: 2 })).total, 3);
      assert.equal((await store.listWhitelistedIps(a, t, { offset: 0, limit: 2 })).items.length, 2);
      await store.deleteWhitelistedIp(a, t, ip.id);
      await rejectsWith(store.deleteWhitelistedIp(a, t, ip.id), 'not_found');
      assert.equal((await store.listWhitelistedIps(a, t, PAGE)).total, 2);

      const d1 = await store.addDestinationUri(a, t, dest('sip.example.com'));
      assert.deepEqual(
        [d1.host, d1.port, d1.transport, d1.priority, d1.weight],
        ['sip.example.com', 5061, 'tls', 1, 10],
      );
      await rejectsWith(store.addDestinationUri(a, t, dest('sip.example.com')), 'conflict', 'destination');
      const d2 = await store.addDestinationUri(a, t, dest('127.0.0.1', 5060, 'tcp'));
      const d2u = await store.updateDestinationUri(a, t, d2.id, { priority: 2, weight: 5 });
      assert.deepEqual([d2u.priority, d2u.weight, d2u.destination], [2, 5, '127.0.0.1:5060;transport=tcp']);
      await rejectsWith(store.updateDestinationUri(a, t, d2.id, dest('sip.example.com')), 'conflict', 'destination');
      assert.deepEqual(
        (await store.listDestinationUris(a, t, PAGE)).items.map((d) => d.id),
        [d1.id, d2.id],
      );
      assert.deepEqual(await store.getDestinationUri(a, t, d2.id), d2u);
      await store.deleteDestinationUri(a, t, d1.id);
      assert.equal(await store.getDestinationUri(a, t, d1.id), null);
      await rejectsWith(store.deleteDestinationUri(a, t2, d2.id), 'not_found');
    });

    test('settings: set, replace, list, delete', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const s1 = await store.setSetting(a, t, 'trunk_external_alias', 'alpha');
      assert.equal(s1.value, 'alpha');
      const s2 = await store.setSetting(a, t, 'trunk_external_alias', 'beta');
      assert.equal(s2.value, 'beta');
      assert.equal(s2.dateCreated, s1.dateCreated);
      await store.setSetting(a, t, 'a_setting', '1');
      assert.deepEqual(
        (await store.listSettings(a, t)).map((s) => [s.name, s.value]),
        [
          ['a_setting', '1'],
          ['trunk_external_alias', 'beta'],
        ],
      );
      await store.deleteSetting(a, t, 'a_setting');
      await rejectsWith(store.deleteSetting(a, t, 'a_setting'), 'not_found');
      assert.equal((await store.listSettings(a, t)).length, 1);
    });

    test('deleteTrunk removes everything under it, and only that', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const { a: a2, t: keep } = await accountWithTrunk(store, 'keep');
      for (const sid of [t, keep]) {
        const acc = sid === t ? a : a2;
        await store.addPhoneNumber(acc, sid, sid === t ? '+14155550100' : '+14155550101', 'pstn');
        await store.addWhitelistedIp(acc, sid, '10.0.0.0', 8);
        await store.addDestinationUri(acc, sid, dest('sip.example.com'));
        await store.setSetting(acc, sid, 'trunk_external_alias', 'x');
        await store.upsertRegistration({
          trunkSid: sid,
          contact: 'sip:pbx@127.0.0.1',
          sourceIp: '127.0.0.1',
          sourcePort: 5060,
          transport: 'udp',
          userAgent: null,
          expiresAt: '2099-01-01T00:00:00Z',
        });
      }
      await store.deleteTrunk(a, t);
      assert.equal(await store.getTrunk(a, t), null);
      assert.equal(await store.loadGatewayTrunk(t), null);
      for (const table of [
        'phone_numbers',
        'whitelisted_ips',
        'destination_uris',
        'trunk_settings',
        'registrations',
      ] as const) {
        const rows = await store.db.selectFrom(table).select('trunk_sid').execute();
        assert.deepEqual(
          rows.map((r) => r.trunk_sid),
          [keep],
          table,
        );
      }
      await rejectsWith(store.deleteTrunk(a, t), 'not_found');
      await store.addPhoneNumber(a2, keep, '+14155550100', 'pstn'); // freed
    });

    test('numbers added while the trunk is deleted leave no orphans', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const adds = Array.from({ length: 20 }, (_, i) =>
        store.addPhoneNumber(a, t, `+1415555${String(i).padStart(4, '0')}`, 'pstn'),
      );
      const results = await Promise.allSettled([...adds.slice(0, 10), store.deleteTrunk(a, t), ...adds.slice(10)]);
      for (const r of results)
        if (r.status === 'rejected')
          assert.ok(r.reason instanceof StoreError && r.reason.kind === 'not_found', String(r.reason));
      assert.equal(results[10]!.status, 'fulfilled');
      const orphans = await store.db.selectFrom('phone_numbers').select('id').where('trunk_sid', '=', t).execute();
      assert.equal(orphans.length, 0);
    });

    test('SIP password: generated, returned, rotated, and matches the gateway view', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const p1 = await store.getSipPassword(a, t);
      assert.match(p1, /^[A-Za-z0-9_-]{24}$/);
      const p2 = await store.rotateSipPassword(a, t);
      assert.notEqual(p2, p1);
      assert.equal(await store.getSipPassword(a, t), p2);
      assert.equal((await store.loadGatewayTrunk(t))?.sipPassword, p2);
      const other = (await accountWithTrunk(store, 'x')).t;
      assert.notEqual(await store.getSipPassword(a, t), (await store.loadGatewayTrunk(other))?.sipPassword);
    });

    test('secrets at rest: no plaintext SIP password or API token in the database', async () => {
      const f = await fx.fresh();
      const { store } = f;
      const { acct, a, t } = await accountWithTrunk(store);
      const password = await store.getSipPassword(a, t);
      const rows = [
        ...(await store.db.selectFrom('trunks').selectAll().execute()),
        ...(await store.db.selectFrom('accounts').selectAll().execute()),
      ];
      const dump = JSON.stringify(rows);
      assert.ok(dump.includes(t) && dump.includes(acct.apiKey), 'dump has the rows');
      assert.ok(!dump.includes(password), 'no plaintext SIP password in rows');
      assert.ok(!dump.includes(acct.apiToken), 'no plaintext API token in rows');
      if (kind === 'sqlite') {
        await store.close();
        const files = readdirSync(f.dataDir).filter((n) => n.startsWith('vsip.db'));
        const bytes = Buffer.concat(files.map((n) => readFileSync(join(f.dataDir, n))));
        assert.ok(bytes.includes(Buffer.from(t)), 'file scan sees the trunk sid');
        assert.ok(!bytes.includes(Buffer.from(password)), 'no SIP password in the SQLite files');
        assert.ok(!bytes.includes(Buffer.from(acct.apiToken)), 'no API token in the SQLite files');
        // The wrong key cannot read it back; the right one can.
        const wrong = await fx.reopen({ ...f, secretKey: 'ab'.repeat(32) });
        await assert.rejects(wrong.getSipPassword(a, t));
        const right = await fx.reopen(f);
        assert.equal(await right.getSipPassword(a, t), password);
      }
    });

    test('generated key file is 0600 and reused', async () => {
      const f = await fx.fresh();
      const { a, t } = await accountWithTrunk(f.store);
      const s2 = await fx.reopen({ ...f, secretKey: '' }); // no key given: file in dataDir
      const { a: a2, t: t2 } = await accountWithTrunk(s2, 'k');
      const st = statSync(join(f.dataDir, 'secret.key'));
      assert.equal(st.mode & 0o777, 0o600);
      const s3 = await fx.reopen({ ...f, secretKey: '' });
      assert.equal(await s3.getSipPassword(a2, t2), await s2.getSipPassword(a2, t2));
      assert.match(await f.store.getSipPassword(a, t), /^[A-Za-z0-9_-]{24}$/);
    });

    test('onChange: committed writes only, unsubscribe stops delivery', async () => {
      const { store } = await fx.fresh();
      const events: unknown[] = [];
      const off = store.onChange((e) => events.push(e));
      const { a, t } = await accountWithTrunk(store);
      await store.addPhoneNumber(a, t, '+14155550100', 'pstn');
      await rejectsWith(store.addPhoneNumber(a, t, '+14155550100', 'pstn'), 'conflict');
      await store.deleteTrunk(a, t);
      const want = [
        { kind: 'account', accountSid: a },
        { kind: 'trunk', accountSid: a, trunkSid: t },
        { kind: 'trunk', accountSid: a, trunkSid: t },
        { kind: 'trunk', accountSid: a, trunkSid: t },
      ];
      await eventually(() => events.length >= want.length, 2000, 'change events');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(events, want);
      off();
      await store.createAccount('quiet');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(events.length, want.length);
    });

    if (kind === 'postgres') {
      test('onChange: a change by another Store on the same database arrives within 500 ms', async () => {
        const f = await fx.fresh();
        const other = await fx.reopen(f);
        const { a, t } = await accountWithTrunk(other);
        const got: unknown[] = [];
        f.store.onChange((e) => got.push(e));
        const t0 = Date.now();
        await other.addPhoneNumber(a, t, '+14155550100', 'pstn');
        await eventually(() => got.length > 0, 500, 'NOTIFY from the other store');
        assert.deepEqual(got[0], { kind: 'trunk', accountSid: a, trunkSid: t });
        assert.ok(Date.now() - t0 < 500);
      });
      test('onChange: the LISTEN connection comes back after being killed, with a resync signal', async () => {
        const f = await fx.fresh();
        let resyncs = 0;
        f.store.onResync((): void => {
          resyncs++;
        });
        const got: unknown[] = [];
        f.store.onChange((e) => got.push(e));
        const terminate = sql<{ ok: boolean }>`
          select pg_terminate_backend(pid) as ok from pg_stat_activity
          where query like 'LISTEN%' and datname = current_database()`;
        const r = await terminate.execute(f.store.db);
        assert.deepEqual(r.rows, [{ ok: true }]);
        await eventually(() => resyncs === 1, 3000, 'resync after reconnect');
        const { a, t } = await accountWithTrunk(f.store);
        await eventually(
          () => got.some((e) => JSON.stringify(e) === JSON.stringify({ kind: 'trunk', accountSid: a, trunkSid: t })),
          1000,
          'events after reconnect',
        );
      });
    }

    test('loadGatewayTrunks / loadGatewayTrunk: every trunk with its items', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store, 'full');
      const empty = (await store.createTrunk({ accountSid: a, name: 'empty', nsoCode: 'X', domainName: 'd' })).sid;
      const { t: t3 } = await accountWithTrunk(store, 'third');
      await store.addPhoneNumber(a, t, '+14155550100', 'pstn');
      await store.addPhoneNumber(a, t, '+14155550101', 'flow');
      await store.addWhitelistedIp(a, t, '192.168.1.0', 24);
      const d = await store.addDestinationUri(a, t, dest('127.0.0.1', 5062, 'tcp'));
      await store.setSetting(a, t, 'trunk_external_alias', 'al');
      const all = await store.loadGatewayTrunks();
      assert.deepEqual(all.map((g) => g.trunk.sid).sort(), [t, empty, t3].sort());
      const g = all.find((x) => x.trunk.sid === t)!;
      assert.deepEqual(g.trunk, await store.getTrunk(a, t));
      assert.equal(g.sipPassword, await store.getSipPassword(a, t));
      assert.deepEqual(g.numbers.sort(), ['+14155550100', '+14155550101']);
      assert.deepEqual(g.ips, [{ ip: '192.168.1.0', mask: 24 }]);
      assert.deepEqual(g.destinations, [d]);
      assert.deepEqual(g.settings, { trunk_external_alias: 'al' });
      const e = all.find((x) => x.trunk.sid === empty)!;
      assert.deepEqual([e.numbers, e.ips, e.destinations, e.settings], [[], [], [], {}]);
      assert.deepEqual(await store.loadGatewayTrunk(t), g);
      assert.equal(await store.loadGatewayTrunk('trmum1nope'), null);
    });

    test('loadGatewayTrunks pages through more rows than one batch', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const n = 20_500; // > one 20k batch
      const rows = Array.from({ length: n }, (_, i) => ({
        trunk_sid: t,
        phone_number: `+1${String(2000000000 + i)}`,
        mode: 'pstn',
        created_at: 'x',
        updated_at: 'x',
      }));
      for (let i = 0; i < n; i += 1000)
        await store.db
          .insertInto('phone_numbers')
          .values(rows.slice(i, i + 1000))
          .execute();
      const [g] = await store.loadGatewayTrunks();
      assert.equal(g!.numbers.length, n);
      assert.equal(new Set(g!.numbers).size, n);
      assert.equal((await store.listPhoneNumbers(a, t, { offset: 0, limit: 1 })).total, n);
    });

    test('call log: batched insert, newest first, filters, scoping, prune', async () => {
      const { store } = await fx.fresh();
      const { a, t } = await accountWithTrunk(store);
      const calls = Array.from({ length: 1203 }, (_, i) =>
        call(
          i,
          i % 3 === 0
            ? {
                accountSid: a,
                trunkSid: t,
                finalCode: 403,
                cause: 'ip_not_whitelisted',
                answeredAt: null,
                durationMs: null,
              }
            : { accountSid: a, trunkSid: t },
        ),
      );
      // The media facts column (migration 0003) round-trips as written.
      const leg = { packets: 250, bytes: 43000, errors: 0, codec: 'PCMU/8000', lost: null, jitterMs: null };
      calls[1202] = {
        ...calls[1202]!,
        media: {
          engine: 'udp:127.0.0.1:2223',
          pbx: { ...leg, from: '203.0.113.7:40000', lastPacket: 1_800_000_000 },
          carrier: { ...leg, from: '198.51.100.1:30000', lastPacket: 1_800_000_001 },
        },
      };
      await store.insertCalls(calls);
      await store.insertCalls([]);
      const all = await store.listCalls(a, t, { offset: 0, limit: 3 });
      assert.equal(all.items[1]?.media, null, 'no media facts: null');
      assert.equal(all.total, 1203);
      assert.deepEqual(
        all.items.map((c) => c.callId),
        ['c1202@pbx', 'c1201@pbx', 'c1200@pbx'],
      );
      assert.deepEqual(all.items[0], { id: all.items[0]!.id, ...calls[1202]! });
      const failed = await store.listCalls(a, t, { offset: 0, limit: 1000, result: 'failed' });
      assert.equal(failed.total, 401);
      assert.ok(failed.items.every((c) => c.finalCode === 403 && c.answeredAt === null));
      assert.equal((await store.listCalls(a, t, { offset: 0, limit: 1, result: 'completed' })).total, 802);
      assert.equal((await store.listCalls(a, t, { offset: 0, limit: 10, callId: 'c7@pbx' })).total, 1);
      const other = await store.createAccount('o');
      assert.equal((await store.listCalls(other.accountSid, t, { offset: 0, limit: 10 })).total, 0);
      assert.deepEqual(await store.findCallsByCallId(other.accountSid, 'c7@pbx'), []);
      assert.equal((await store.findCallsByCallId(a, 'c7@pbx')).length, 1);
      // the call log outlives the trunk
      await store.deleteTrunk(a, t);
      assert.equal((await store.listCalls(a, t, { offset: 0, limit: 1 })).total, 1203);
      assert.equal(await store.pruneCalls(1000), 203);
      const kept = await store.listCalls(a, t, { offset: 999, limit: 5 });
      assert.equal(kept.total, 1000);
      assert.deepEqual(
        kept.items.map((c) => c.callId),
        ['c203@pbx'],
      );
      assert.equal(await store.pruneCalls(5000), 0);
      assert.equal(await store.pruneCalls(0), 1000);
    });

    test('registrations: upsert, list, remove, prune, unknown trunk', async () => {
      const { store } = await fx.fresh();
      const { t } = await accountWithTrunk(store);
      const reg = {
        trunkSid: t,
        contact: 'sip:100@10.0.0.5:5060',
        sourceIp: '10.0.0.5',
        sourcePort: 5060,
        transport: 'udp',
        userAgent: 'pbx',
        expiresAt: '2026-01-01T00:10:00Z',
        connectionId: null,
        nodeId: 'node-a',
        registeredAt: '2026-01-01T00:00:00Z',
      };
      await store.upsertRegistration(reg);
      // A refresh over a new TCP connection held by another node: the flow moves, registered_at stays.
      const refresh = { expiresAt: '2026-01-01T00:20:00Z', sourcePort: 5070, transport: 'tcp', connectionId: '7' };
      await store.upsertRegistration({ ...reg, ...refresh, nodeId: 'node-b', registeredAt: '2026-01-01T00:09:00Z' });
      await store.upsertRegistration({
        ...reg,
        contact: 'sip:101@10.0.0.5',
        expiresAt: '2026-01-01T00:05:00Z',
        userAgent: null,
      });
      const list = await store.listRegistrations(t);
      assert.deepEqual(list, [
        { ...reg, contact: 'sip:100@10.0.0.5:5060', ...refresh, nodeId: 'node-b' },
        { ...reg, contact: 'sip:101@10.0.0.5', expiresAt: '2026-01-01T00:05:00Z', userAgent: null },
      ]);
      assert.equal(await store.pruneRegistrations('2026-01-01T00:10:00Z'), 1);
      await store.removeRegistration(t, 'sip:100@10.0.0.5:5060');
      assert.deepEqual(await store.listRegistrations(t), []);
      await rejectsWith(store.upsertRegistration({ ...reg, trunkSid: 'trmum1nope' }), 'not_found');
    });

    test('SIP node registry: join, heartbeat, list the fresh ones, leave', async () => {
      const { store } = await fx.fresh();
      const a = {
        id: 'node-a',
        region: 'mumbai',
        signalling: [{ transport: 'udp', address: '203.0.113.7', port: 5060 }],
        rtpPorts: '10000-20000',
        apiUrl: 'https://api.in.example.com',
        startedAt: '2026-01-01T00:00:00Z',
        heartbeatAt: '2026-01-01T00:00:00Z',
        relay: { address: '10.0.0.7', port: 5080 },
      };
      const b = { ...a, id: 'node-b', region: 'singapore', rtpPorts: null, apiUrl: null, relay: null };
      await store.upsertSipNode(a);
      await store.upsertSipNode(b);
      await store.upsertSipNode({ ...a, heartbeatAt: '2026-01-01T00:01:00Z', startedAt: 'ignored on refresh' });
      assert.deepEqual(await store.listSipNodes('2026-01-01T00:00:30Z'), [
        { ...a, heartbeatAt: '2026-01-01T00:01:00Z' },
      ]);
      assert.equal((await store.listSipNodes(null)).length, 2);
      assert.equal((await store.listSipNodes(null)).find((n) => n.id === 'node-b')?.relay, null, 'no relay address');
      await store.removeSipNode('node-a');
      assert.deepEqual(
        (await store.listSipNodes(null)).map((n) => n.id),
        ['node-b'],
      );
    });

    test('meta: first writer wins', async () => {
      const f = await fx.fresh();
      assert.equal(await f.store.getMeta('nonce_secret'), null);
      const other = await fx.reopen(f);
      const [x, y] = await Promise.all([
        f.store.setMetaIfAbsent('nonce_secret', 'one'),
        other.setMetaIfAbsent('nonce_secret', 'two'),
      ]);
      assert.equal(x, y);
      assert.equal(await f.store.getMeta('nonce_secret'), x);
      assert.equal(await f.store.setMetaIfAbsent('nonce_secret', 'three'), x);
    });

    test('reopening runs migrations idempotently and keeps the data', async () => {
      const f = await fx.fresh();
      const { a, t } = await accountWithTrunk(f.store);
      const again = await fx.reopen(f);
      assert.equal((await again.getTrunk(a, t))?.sid, t);
      assert.equal(again.kind, kind);
    });
  });
}
