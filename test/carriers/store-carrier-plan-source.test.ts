/**
 * StoreCarrierPlanSource on both stores: the plan at start, a replacement after each change
 * (through the API's store and through a second store on the same database, as another process
 * would write), and listeners told after each replacement.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreCarrierPlanSource } from '../../src/carriers/store-carrier-plan-source.js';
import { makeFixture, type Fixture, type Kind } from '../store/store-fixtures.js';
import { carrierInput } from '../store/operator-fixtures.js';
import { waitFor } from '../support/wait-for.js';

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`StoreCarrierPlanSource on ${kind}`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture(kind);
    });
    after(async () => {
      await fx.cleanup();
    });

    test('loads the plan, then replaces it whole on every carrier or route change', async () => {
      const f = await fx.fresh();
      const a = await f.store.createCarrier(carrierInput('alpha'));
      const source = await StoreCarrierPlanSource.open(f.store);
      try {
        assert.deepEqual([...source.current().carriers.keys()], [a.sid]);
        assert.equal(source.current().carriers.get(a.sid)?.credentials?.password, 'carrier-secret-Xy7pQ2');
        let changes = 0;
        source.onChange(() => changes++);
        const before = source.current();

        const route = await f.store.createCarrierRoute({
          prefix: '1',
          carriers: [{ carrierSid: a.sid, priority: 1, weight: 1 }],
        });
        await waitFor(() => source.current().routes.length === 1, 5000, 'route in the plan');
        assert.notEqual(source.current(), before, 'replaced, not mutated');
        assert.equal(before.routes.length, 0);
        assert.ok(changes >= 1);

        // Another process on the same database.
        const other = await fx.reopen(f);
        const b = await other.createCarrier(carrierInput('beta'));
        await other.updateCarrierRoute(route.sid, { carriers: [{ carrierSid: b.sid, priority: 1, weight: 1 }] });
        await waitFor(
          () => source.current().routes[0]?.carriers[0]?.carrierSid === b.sid,
          5000,
          "the other process's change",
        );
        assert.equal(source.current().carriers.size, 2);

        // A burst of writes: the last one is what the plan ends with.
        for (let i = 0; i < 5; i++) await f.store.updateCarrier(a.sid, { maxCallsPerSecond: i + 1 });
        await waitFor(() => source.current().carriers.get(a.sid)?.maxCallsPerSecond === 5, 5000, 'last write');
        await source.settled();
        assert.equal(source.current().carriers.get(a.sid)?.maxCallsPerSecond, 5);
      } finally {
        source.close();
      }
    });
  });
}
