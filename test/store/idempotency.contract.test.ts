import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from './store-fixtures.js';
import type { Fixture, Kind } from './store-fixtures.js';

const opts = { ttlMs: 1000, staleMs: 100 };

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`idempotency keys on ${kind}`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture(kind);
    });
    after(() => fx.cleanup());

    test('claim once; pending, then done; stale claims and expired answers are taken over; prune', async () => {
      const { store } = await fx.fresh();
      const a = (await store.createAccount('a')).accountSid;
      const b = (await store.createAccount('b')).accountSid;
      const claims = await Promise.all(
        Array.from({ length: 6 }, () => store.claimIdempotencyKey(a, 'k', 'fp1', 0, opts)),
      );
      assert.equal(claims.filter((c) => c.state === 'claimed').length, 1, JSON.stringify(claims));
      assert.deepEqual(await store.claimIdempotencyKey(a, 'k', 'fp2', 50, opts), {
        state: 'pending',
        fingerprint: 'fp1',
      });
      assert.deepEqual(await store.claimIdempotencyKey(b, 'k', 'fp1', 50, opts), { state: 'claimed' }, 'per account');
      await store.completeIdempotencyKey(a, 'k', 201, '{"x":1}', 60);
      assert.deepEqual(await store.claimIdempotencyKey(a, 'k', 'fp1', 900, opts), {
        state: 'done',
        fingerprint: 'fp1',
        status: 201,
        body: '{"x":1}',
      });
      const stored = await store.db.selectFrom('idempotency_keys').select('body').where('key', '=', 'k').execute();
      const kept = stored.map((r) => r.body).filter((b) => b !== null);
      assert.equal(kept.length, 1);
      assert.ok(!kept[0]?.includes('"x"'), `kept answers are encrypted at rest: ${kept[0]}`);
      await store.releaseIdempotencyKey(a, 'k');
      assert.equal((await store.claimIdempotencyKey(a, 'k', 'fp1', 900, opts)).state, 'done', 'answers stay');
      assert.equal((await store.claimIdempotencyKey(a, 'k', 'fp3', 1100, opts)).state, 'claimed', 'expired');
      assert.equal((await store.claimIdempotencyKey(a, 'k', 'fp3', 1150, opts)).state, 'pending');
      assert.equal((await store.claimIdempotencyKey(a, 'k', 'fp3', 1300, opts)).state, 'claimed', 'stale claim');
      await store.releaseIdempotencyKey(a, 'k');
      assert.equal((await store.claimIdempotencyKey(a, 'k', 'fp4', 1301, opts)).state, 'claimed', 'released');
      assert.equal(await store.pruneIdempotencyKeys(1000), 1, "b's claim of time 50");
      assert.equal(await store.pruneIdempotencyKeys(2000), 1);
    });

    test('a kept answer that no longer decrypts (secret key replaced) is run again, not replayed', async () => {
      const f = await fx.fresh();
      const a = (await f.store.createAccount('a')).accountSid;
      assert.equal((await f.store.claimIdempotencyKey(a, 'k', 'fp1', 0, opts)).state, 'claimed');
      await f.store.completeIdempotencyKey(a, 'k', 201, '{"secret":"s3cr3t"}', 10);
      const other = await fx.reopen({ ...f, secretKey: 'cd'.repeat(32) });
      assert.deepEqual(await other.claimIdempotencyKey(a, 'k', 'fp1', 20, opts), { state: 'claimed' });
    });
  });
}
