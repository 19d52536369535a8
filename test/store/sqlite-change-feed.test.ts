import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';
import { SqliteChangeFeed } from '../../src/store/sqlite-change-feed.js';
import type { ChangeEvent } from '../../src/store/types.js';

/**
 * Two store instances on one SQLite file stand for two processes (each has its own connections and
 * feed origin): what one commits reaches the other's onChange — the way an `--role sip` process
 * learns of a change made through an `--role api` process — and each sees its own change once.
 */
test(
  "SQLite: a change committed by one store instance reaches the other's onChange; each sees its own " + 'once',
  async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vsip-feed-'));
    const a = await openStore({ dataDir });
    const b = await openStore({ dataDir });
    t.after(async () => {
      await a.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const seenA: ChangeEvent[] = [];
    const seenB: ChangeEvent[] = [];
    a.onChange((e) => seenA.push(e));
    b.onChange((e) => seenB.push(e));

    const { accountSid } = await a.createAccount('feed');
    const trunk = await a.createTrunk({
      accountSid,
      name: 'feed',
      nsoCode: 'ANY-ANY',
      domainName: `${accountSid}.pstn.exotel.com`,
    });
    await a.addWhitelistedIp(accountSid, trunk.sid, '127.0.0.9', 32);
    const t0 = Date.now();
    while (!seenB.some((e) => e.kind === 'trunk') || seenB.length < seenA.length) {
      assert.ok(Date.now() - t0 < 1000, `B saw ${JSON.stringify(seenB)} after 1 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(seenB, seenA, 'B saw the same events, in order');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(
      seenA.filter((e) => e.kind === 'trunk').length,
      2,
      'A saw its own two trunk changes once each (at commit, not again from the feed)',
    );

    // And the other way round, with what B loads after the event being the new state.
    const loaded = new Promise<boolean>((resolve) => {
      const off = a.onChange((e) => {
        if (e.kind !== 'trunk') return;
        off();
        void a.loadGatewayTrunk(trunk.sid).then((tr) => resolve(tr?.ips.length === 2));
      });
    });
    await b.addWhitelistedIp(accountSid, trunk.sid, '127.0.0.10', 32);
    // The feed's timer does not keep a process alive (a server's sockets do): wait on a timer here.
    const ok = await Promise.race([
      loaded,
      new Promise<string>((r) => setTimeout(() => r('no event from B within 1 s'), 1000)),
    ]);
    assert.equal(ok, true, 'on the event, A reads the committed change');
  },
);

test('SQLite change feed: a reader that fell behind pruned rows is told to reload everything', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-feed-'));
  const store = await openStore({ dataDir }); // creates the schema
  const file = join(dataDir, 'vsip.db');
  const events: ChangeEvent[] = [];
  let resyncs = 0;
  const feed = new SqliteChangeFeed(
    file,
    (e) => events.push(e),
    () => resyncs++,
    { pollMs: 0 },
  );
  const raw = new BetterSqlite3(file);
  t.after(async () => {
    feed.close();
    raw.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const insert = raw.prepare('insert into change_log (origin, event, created_at) values (?, ?, ?)');
  const ev = (n: number): string => JSON.stringify({ kind: 'account', accountSid: `acc${n}` });
  insert.run('other', ev(1), Date.now());
  feed.poll();
  assert.deepEqual(
    events.map((e) => ('accountSid' in e ? e.accountSid : null)),
    ['acc1'],
  );
  assert.equal(resyncs, 0);
  // Two more rows, then the older of them pruned before the feed polls: it missed one.
  insert.run('other', ev(2), Date.now());
  insert.run('other', ev(3), Date.now());
  raw.prepare("delete from change_log where event like '%acc2%'").run();
  feed.poll();
  assert.equal(resyncs, 1, 'a gap means a reload');
  // Malformed rows (not written by vsip) are skipped, not fatal; later rows still arrive.
  insert.run('other', '{not json', Date.now());
  insert.run('other', JSON.stringify({ kind: 'trunk' }), Date.now());
  insert.run('other', ev(4), Date.now());
  feed.poll();
  assert.deepEqual(
    events.map((e) => ('accountSid' in e ? e.accountSid : null)),
    ['acc1', 'acc4'],
  );
});
