/**
 * The operator part of the store contract (operator tokens, suspension, account deletion,
 * carriers, routes, the carrier plan), run against SQLite and an embedded PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError, type ChangeEvent } from '../../src/store/types.js';
import { waitFor } from '../support/wait-for.js';
import { carrierInput } from './operator-fixtures.js';
import { makeFixture, type Fixture, type Kind } from './store-fixtures.js';

const PAGE = { offset: 0, limit: 50 };

async function rejectsWith(p: Promise<unknown>, kind: StoreError['kind'], field?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  });
}

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`operator store on ${kind}`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture(kind);
    });
    after(async () => {
      await fx.cleanup();
    });

    test('operator tokens: only the hash is stored; the token authenticates, others do not', async () => {
      const { store } = await fx.fresh();
      const { token, secret } = await store.createOperatorToken('ops');
      assert.match(secret, /^vop_[A-Za-z0-9_-]{43}$/);
      assert.equal((await store.authenticateOperator(secret))?.id, token.id);
      assert.equal(await store.authenticateOperator(`${secret}x`), null);
      assert.equal(await store.authenticateOperator(''), null);
      const rows = await store.db.selectFrom('operator_tokens').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(secret));
    });

    test('suspend and resume an account: status, events, and the gateway view of its trunks', async () => {
      const { store } = await fx.fresh();
      const acct = await store.createAccount('acme');
      const trunk = await store.createTrunk({
        accountSid: acct.accountSid,
        name: 'main',
        nsoCode: 'ANY-ANY',
        domainName: `${acct.accountSid}.pstn.exotel.com`,
      });
      const events: ChangeEvent[] = [];
      store.onChange((e) => events.push(e));
      assert.equal((await store.getAccount(acct.accountSid))?.status, 'active');
      assert.equal((await store.setAccountStatus(acct.accountSid, 'suspended')).status, 'suspended');
      // PostgreSQL delivers events asynchronously (LISTEN/NOTIFY): wait for it.
      await waitFor(() => events.some((e) => e.kind === 'account' && e.accountSid === acct.accountSid));
      assert.equal((await store.authenticate(acct.apiKey, acct.apiToken))?.status, 'suspended');
      assert.equal((await store.loadGatewayTrunk(trunk.sid))?.accountSuspended, true);
      assert.equal((await store.loadGatewayTrunks())[0]?.accountSuspended, true);
      await store.setAccountStatus(acct.accountSid, 'active');
      assert.ok(!(await store.loadGatewayTrunk(trunk.sid))?.accountSuspended);
      assert.ok(!(await store.loadGatewayTrunks())[0]?.accountSuspended);
      await rejectsWith(store.setAccountStatus('vsipnope', 'suspended'), 'not_found', 'account_sid');
      await store.createAccount('second');
      const first = await store.listAccountsPage({ offset: 0, limit: 1 });
      const second = await store.listAccountsPage({ offset: 1, limit: 1 });
      assert.equal(first.total, 2);
      // Oldest first; two accounts made in the same second are ordered by SID, so compare as a set.
      assert.deepEqual([...first.items, ...second.items].map((a) => a.name).sort(), ['acme', 'second']);
    });

    test('deleting an account removes its trunks and everything under them, and nothing else', async () => {
      const { store } = await fx.fresh();
      const a = await store.createAccount('a');
      const b = await store.createAccount('b');
      const mk = async (acc: string, n: string) => {
        const t = await store.createTrunk({ accountSid: acc, name: n, nsoCode: 'ANY-ANY', domainName: 'x' });
        await store.addPhoneNumber(acc, t.sid, `+9198765${n === 'a1' ? '43210' : '43211'}`, 'pstn');
        await store.addWhitelistedIp(acc, t.sid, '192.0.2.1', 32);
        await store.setSetting(acc, t.sid, 'trunk_external_alias', '+14155550100');
        return t;
      };
      const ta = await mk(a.accountSid, 'a1');
      const tb = await mk(b.accountSid, 'b1');
      const events: ChangeEvent[] = [];
      store.onChange((e) => events.push(e));
      await store.deleteAccount(a.accountSid);
      assert.equal(await store.getAccount(a.accountSid), null);
      assert.equal(await store.authenticate(a.apiKey, a.apiToken), null);
      assert.equal(await store.loadGatewayTrunk(ta.sid), null);
      await waitFor(() => events.some((e) => e.kind === 'trunk' && e.trunkSid === ta.sid));
      for (const table of ['phone_numbers', 'whitelisted_ips', 'trunk_settings'] as const) {
        const rows = await store.db.selectFrom(table).select('trunk_sid').execute();
        assert.deepEqual(
          rows.map((r) => r.trunk_sid),
          [tb.sid],
          table,
        );
      }
      assert.equal((await store.getTrunk(b.accountSid, tb.sid))?.sid, tb.sid);
      await rejectsWith(store.deleteAccount(a.accountSid), 'not_found', 'account_sid');
    });

    test('carriers: create, get, list, update, delete; the password never comes back', async () => {
      const { store, dataDir } = await fx.fresh();
      const events: ChangeEvent[] = [];
      store.onChange((e) => events.push(e));
      const c = await store.createCarrier(carrierInput('alpha'));
      assert.match(c.sid, /^car[0-9a-f]{16}$/);
      assert.deepEqual(
        c.uris.map((u) => [u.uri, u.priority, u.weight]),
        [
          ['sip:192.0.2.10:5060;transport=udp', 1, 10],
          ['sips:carrier.example.com', 2, 0],
        ],
      );
      assert.deepEqual(c.credentials, { username: 'vsip', authUsername: null, realm: 'carrier.example' });
      assert.ok(!JSON.stringify(c).includes('carrier-secret'));
      // Encrypted at rest (AES-256-GCM envelope bound to the carrier sid), on both stores.
      const raw = await store.db.selectFrom('carriers').select(['sid', 'password_enc']).execute();
      for (const r of raw) {
        assert.match(r.password_enc ?? '', /^v1:/);
        assert.ok(!(r.password_enc ?? '').includes('carrier-secret'));
      }
      await waitFor(() => events.some((e) => e.kind === 'carriers'));
      assert.deepEqual(await store.getCarrier(c.sid), c);
      await rejectsWith(store.createCarrier(carrierInput('alpha')), 'conflict', 'name');

      const u = await store.updateCarrier(c.sid, {
        uris: [{ uri: 'sip:198.51.100.7', priority: 1, weight: 1 }],
        credentials: { username: 'vsip2', password: null, authUsername: 'auth', realm: null },
        registration: { registrarUri: 'sip:reg.example.com', expires: 600, contactUser: 'vsip' },
        probe: false,
      });
      assert.deepEqual(
        u.uris.map((x) => x.uri),
        ['sip:198.51.100.7'],
      );
      assert.equal(u.probe, false);
      assert.deepEqual(u.registration, { registrarUri: 'sip:reg.example.com', expires: 600, contactUser: 'vsip' });
      // password null kept the stored one
      const plan = await store.loadCarrierPlan();
      assert.deepEqual(plan.carriers.get(c.sid)?.credentials, {
        username: 'vsip2',
        password: 'carrier-secret-Xy7pQ2',
        authUsername: 'auth',
        realm: null,
      });
      const cleared = await store.updateCarrier(c.sid, { credentials: null });
      assert.equal(cleared.credentials, null);
      await rejectsWith(
        store.updateCarrier(c.sid, { credentials: { username: 'u', password: null, authUsername: null, realm: null } }),
        'invalid',
        'credentials.password',
      );
      await rejectsWith(store.updateCarrier('carnope', { probe: true }), 'not_found', 'carrier_sid');

      const second = await store.createCarrier(carrierInput('beta', { credentials: null }));
      const page = await store.listCarriers(PAGE);
      assert.equal(page.total, 2);
      assert.deepEqual(
        page.items.map((x) => x.name),
        ['alpha', 'beta'],
      );
      await store.deleteCarrier(second.sid);
      assert.equal(await store.getCarrier(second.sid), null);
      await rejectsWith(store.deleteCarrier(second.sid), 'not_found', 'carrier_sid');
      if (kind === 'sqlite') {
        for (const file of readdirSync(dataDir)) {
          assert.ok(!readFileSync(join(dataDir, file)).includes('carrier-secret-Xy7pQ2'), `plaintext in ${file}`);
        }
      }
    });

    test('routes: carriers must exist; a carrier in use cannot be deleted; the plan has both', async () => {
      const { store } = await fx.fresh();
      const a = await store.createCarrier(carrierInput('alpha'));
      const b = await store.createCarrier(carrierInput('beta'));
      const route = await store.createCarrierRoute({
        prefix: '91',
        carriers: [
          { carrierSid: b.sid, priority: 2, weight: 1 },
          { carrierSid: a.sid, priority: 1, weight: 1 },
        ],
      });
      assert.match(route.sid, /^rte[0-9a-f]{16}$/);
      assert.deepEqual(
        route.carriers.map((c) => c.carrierSid),
        [a.sid, b.sid],
      );
      const def = await store.createCarrierRoute({
        prefix: '',
        carriers: [{ carrierSid: a.sid, priority: 1, weight: 1 }],
      });
      await rejectsWith(
        store.createCarrierRoute({ prefix: '91', carriers: [{ carrierSid: a.sid, priority: 1, weight: 1 }] }),
        'conflict',
        'prefix',
      );
      await rejectsWith(
        store.createCarrierRoute({
          prefix: '44',
          carriers: [
            { carrierSid: a.sid, priority: 1, weight: 1 },
            { carrierSid: 'carnope', priority: 1, weight: 1 },
          ],
        }),
        'invalid',
        'carriers[1].carrier_sid',
      );
      assert.equal((await store.listCarrierRoutes(PAGE)).total, 2, 'the refused route left nothing behind');
      await rejectsWith(store.deleteCarrier(b.sid), 'in_use', 'carrier_sid');

      const plan = await store.loadCarrierPlan();
      assert.deepEqual([...plan.carriers.keys()].sort(), [a.sid, b.sid].sort());
      assert.equal(plan.carriers.get(a.sid)?.credentials?.password, 'carrier-secret-Xy7pQ2');
      assert.deepEqual(
        plan.routes.map((r) => [r.prefix, r.carriers.map((c) => c.carrierSid)]),
        [
          ['91', [a.sid, b.sid]],
          ['', [a.sid]],
        ],
      );

      const moved = await store.updateCarrierRoute(route.sid, {
        prefix: '919',
        carriers: [{ carrierSid: a.sid, priority: 1, weight: 5 }],
      });
      assert.equal(moved.prefix, '919');
      await store.deleteCarrier(b.sid);
      await store.deleteCarrierRoute(def.sid);
      await rejectsWith(store.deleteCarrierRoute(def.sid), 'not_found', 'route_sid');
      await rejectsWith(store.updateCarrierRoute(def.sid, { prefix: '1' }), 'not_found', 'route_sid');
      assert.deepEqual(
        (await store.listCarrierRoutes(PAGE)).items.map((r) => r.prefix),
        ['919'],
      );
    });
  });
}
