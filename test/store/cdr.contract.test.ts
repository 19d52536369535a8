/**
 * CDR queries, streaming and retention by age, on SQLite and PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRecord, NewCallRecord, Store } from '../../src/store/types.js';
import { makeFixture } from './store-fixtures.js';
import type { Fixture, Kind } from './store-fixtures.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function rec(i: number, over: Partial<NewCallRecord>): NewCallRecord {
  return {
    callId: `c${i}@pbx`,
    accountSid: null,
    trunkSid: null,
    direction: i % 2 === 0 ? 'termination' : 'origination',
    caller: i % 5 === 0 ? '+14155550100' : '+14155550199',
    callee: i % 7 === 0 ? '919876543210' : '+919800000000',
    sourceIp: '127.0.0.1',
    sourcePort: 5060,
    transport: 'udp',
    finalCode: i % 3 === 0 ? 486 : 200,
    cause: i % 3 === 0 ? 'busy' : 'completed',
    destination: null,
    // Two calls per minute, and pairs share a second: the id must break the tie.
    startedAt: iso(T0 + Math.floor(i / 2) * 60_000),
    answeredAt: i % 3 === 0 ? null : iso(T0 + Math.floor(i / 2) * 60_000 + 1000),
    endedAt: null,
    durationMs: null,
    ...over,
  };
}

async function setup(store: Store) {
  const acct = await store.createAccount('acme');
  const a = acct.accountSid;
  const mk = (name: string) =>
    store.createTrunk({ accountSid: a, name, nsoCode: 'ANY-ANY', domainName: `${a}.pstn.exotel.com` });
  const [t1, t2] = [(await mk('one')).sid, (await mk('two')).sid];
  const other = (await store.createAccount('other')).accountSid;
  const calls = Array.from({ length: 300 }, (_, i) => rec(i, { accountSid: a, trunkSid: i % 4 === 0 ? t2 : t1 }));
  // Inserted out of start order, as the gateway writes them (at the end of each call).
  await store.insertCalls([...calls].reverse());
  await store.insertCalls([rec(1000, { accountSid: other, trunkSid: null })]);
  return { a, t1, t2, other, calls };
}

async function all(store: Store, a: string, q: Parameters<Store['queryCdrs']>[1]): Promise<CallRecord[]> {
  const out: CallRecord[] = [];
  let page = await store.queryCdrs(a, q);
  out.push(...page.items);
  while (page.next !== null) {
    page = await store.queryCdrs(a, { ...q, after: page.next });
    out.push(...page.items);
  }
  return out;
}

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`CDRs on ${kind}`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture(kind);
    });
    after(() => fx.cleanup());

    test('cursor paging walks every record once, newest first, ties broken by id', async () => {
      const { store } = await fx.fresh();
      const { a, calls } = await setup(store);
      const got = await all(store, a, { limit: 7 });
      assert.equal(got.length, 300);
      assert.equal(new Set(got.map((c) => c.id)).size, 300);
      for (let i = 1; i < got.length; i++) {
        const [p, c] = [got[i - 1]!, got[i]!];
        assert.ok(p.startedAt > c.startedAt || (p.startedAt === c.startedAt && Number(p.id) > Number(c.id)));
      }
      assert.deepEqual(got.map((c) => c.callId).sort(), calls.map((c) => c.callId).sort());
      // A record arriving between pages does not shift the next page (unlike an offset).
      const first = await store.queryCdrs(a, { limit: 10 });
      await store.insertCalls([rec(5000, { accountSid: a, startedAt: iso(T0 + 10 * 86_400_000) })]);
      const second = await store.queryCdrs(a, { limit: 10, after: first.next! });
      assert.deepEqual(
        second.items.map((c) => c.callId),
        got.slice(10, 20).map((c) => c.callId),
      );
    });

    test('filters: time range, trunk, direction, result, cause, number, call id; scoped by account', async () => {
      const { store } = await fx.fresh();
      const { a, t2, other, calls } = await setup(store);
      const count = async (q: Omit<Parameters<Store['queryCdrs']>[1], 'limit'>) =>
        (await all(store, a, { ...q, limit: 100 })).length;
      const expect = (pred: (c: NewCallRecord) => boolean) => calls.filter(pred).length;
      const from = iso(T0 + 10 * 60_000);
      const to = iso(T0 + 30 * 60_000);
      assert.equal(
        await count({ from, to }),
        expect((c) => c.startedAt >= from && c.startedAt < to),
      );
      assert.equal(await count({ from, to }), 40);
      assert.equal(await count({ trunkSid: t2 }), 75);
      assert.equal(await count({ direction: 'origination' }), 150);
      assert.equal(await count({ result: 'failed' }), 100);
      assert.equal(await count({ result: 'completed' }), 200);
      assert.equal(await count({ cause: 'busy', direction: 'termination' }), 50);
      assert.equal(
        await count({ number: '+14155550100' }),
        expect((c) => c.caller === '+14155550100'),
      );
      // stored without the `+` by the gateway: still found by its E.164 form
      assert.equal(
        await count({ number: '+919876543210' }),
        expect((c) => c.callee === '919876543210'),
      );
      // the number look-up keeps the scope and the time range (they move into its subquery)
      assert.equal(
        await count({ number: '+14155550100', from, to, trunkSid: t2 }),
        expect(
          (c) =>
            (c.caller === '+14155550100' || c.callee === '+14155550100') &&
            c.startedAt >= from &&
            c.startedAt < to &&
            c.trunkSid === t2,
        ),
      );
      assert.equal(await count({ number: '+14155550100', from, to, trunkSid: t2 }), 2);
      assert.equal(await count({ callId: 'c7@pbx' }), 1);
      assert.equal(await count({ callId: 'c1000@pbx' }), 0, 'another account');
      assert.equal((await all(store, other, { limit: 50 })).length, 1);
      // the per-trunk offset list takes the same filters
      const trunkPage = await store.listCalls(a, t2, { offset: 0, limit: 10, from, to, result: 'failed' });
      assert.equal(
        trunkPage.total,
        expect((c) => c.trunkSid === t2 && c.startedAt >= from && c.startedAt < to && c.finalCode === 486),
      );
    });

    test('streaming yields every match in order, in batches', async () => {
      const { store } = await fx.fresh();
      const { a } = await setup(store);
      const streamed: string[] = [];
      for await (const c of store.streamCdrs(a, { limit: 13, result: 'completed' })) streamed.push(c.id);
      const paged = (await all(store, a, { limit: 100, result: 'completed' })).map((c) => c.id);
      assert.equal(streamed.length, 200);
      assert.deepEqual(streamed, paged);
    });

    test('retention by age: default 90 days, per-account setting, records of no account', async () => {
      const { store } = await fx.fresh();
      const short = (await store.createAccount('short')).accountSid;
      const long = (await store.createAccount('long')).accountSid;
      const plain = (await store.createAccount('plain')).accountSid;
      assert.deepEqual(await store.getAccountSettings(plain), { cdrRetentionDays: 90 });
      assert.deepEqual(await store.updateAccountSettings(short, { cdrRetentionDays: 7 }), { cdrRetentionDays: 7 });
      await store.updateAccountSettings(long, { cdrRetentionDays: 365 });
      await assert.rejects(store.updateAccountSettings('nope', { cdrRetentionDays: 3 }), /account not found/);
      const now = new Date('2026-06-01T00:00:00Z');
      const daysAgo = (d: number) => iso(now.getTime() - d * 86_400_000);
      const ages = [1, 6, 8, 89, 91, 200, 400];
      const rows: NewCallRecord[] = [];
      for (const acct of [short, long, plain, null]) {
        for (const [k, d] of ages.entries()) rows.push(rec(k, { accountSid: acct, startedAt: daysAgo(d) }));
      }
      await store.insertCalls(rows);
      // A small batch makes the job loop: the result must not depend on the batch size.
      const removed = await store.pruneCallsByAge(now, 2);
      const left = async (acct: string) => (await all(store, acct, { limit: 100 })).length;
      assert.equal(await left(short), 2, '1 and 6 days old');
      assert.equal(await left(long), 6, 'all but the 400-day-old one');
      assert.equal(await left(plain), 4, 'up to 89 days');
      assert.equal(removed, 5 + 1 + 3 + 3);
      assert.equal(await store.pruneCallsByAge(now), 0, 'a second run finds nothing');
    });
  });
}
