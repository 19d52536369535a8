/**
 * Isolation: every API operation of the OpenAPI document × five callers. Operations are
 * enumerated from the document the app itself serves, so a route added later is in the matrix
 * automatically (and fails loudly until it gets a valid body below when it takes one).
 *
 *   no Authorization                                   → 401
 *   account A's key with a wrong token                 → 401
 *   account B's key on A's path                        → 403
 *   B's key on B's own path, but A's trunk_sid / ids   → 404 (trunk-scoped operations)
 *   an operator token (Bearer) on A's path             → 403 (the operator API is elsewhere)
 *   A's key on A's path                                → 2xx
 *
 * After the four hostile rounds, A's whole configuration in the store is byte-for-byte what it
 * was: no cross-account read or write. Runs on SQLite and on an embedded PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, basic, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api/api-fixture.js';
import type { AccountCredentials, Store } from '../../src/store/types.js';

interface Operation {
  method: string;
  /** OpenAPI path, e.g. /v2/accounts/{account_sid}/trunks/{trunk_sid}. */
  path: string;
  query: Array<{ name: string; required: boolean }>;
  hasBody: boolean;
}

interface Fixtures {
  accountSid: string;
  trunkSid: string;
  ids: Record<string, string>;
  webhookSid: string;
  deliveryId: string;
}

let f: ApiFixture;
let operations: Operation[];
let a: AccountCredentials;
let b: AccountCredentials;
let aFix: Fixtures;
let bFix: Fixtures;
let serial = 0;
let operatorToken: string;

/** Valid bodies per operation (key: METHOD and the path after {account_sid}). */
const BODIES: Record<string, (accountSid: string) => unknown> = {
  'POST /trunks': (acc) => ({ trunk_name: `t${++serial}`, nso_code: 'ANY-ANY', domain_name: `${acc}.pstn.exotel.com` }),
  'PUT /trunks/{trunk_sid}': () => ({ trunk_name: `renamed${++serial}` }),
  'POST /trunks/{trunk_sid}/phone-numbers': () => ({ phone_number: `+9198${String(10_000_000 + ++serial)}` }),
  'PUT /trunks/{trunk_sid}/phone-numbers/{id}': () => ({ mode: 'flow' }),
  'POST /trunks/{trunk_sid}/whitelisted-ips': () => ({ ip: `198.51.100.${++serial % 250}`, mask: 32 }),
  'PUT /trunks/{trunk_sid}/whitelisted-ips/{id}': () => ({ mask: 32, ip: `203.0.113.${++serial % 250}` }),
  'POST /trunks/{trunk_sid}/destination-uris': () => ({
    destinations: [{ destination: `198.51.100.${++serial % 250}:5061;transport=tls` }],
  }),
  'PUT /trunks/{trunk_sid}/destination-uris/{id}': () => ({ priority: 2 }),
  'POST /trunks/{trunk_sid}/settings': () => ({ settings: [{ name: 'trunk_external_alias', value: '+14155550100' }] }),
  'POST /trunks/{trunk_sid}/doctor': () => ({}),
  'PUT /settings': () => ({ cdr_retention_days: 90 }),
  'POST /webhooks': () => ({ url: `https://hooks${++serial}.example.com/vsip` }),
  'POST /trunks/{trunk_sid}/phone-numbers/bulk': () => ({
    phone_numbers: [{ phone_number: `+9197${String(10_000_000 + ++serial)}` }],
  }),
  'POST /trunks/{trunk_sid}/phone-numbers.csv': () => new CsvBody(`+9196${String(10_000_000 + ++serial)}\n`),
};

/** A body sent as text/csv rather than JSON. */
class CsvBody {
  constructor(readonly text: string) {}
}

const key = (op: Operation) => `${op.method} ${op.path.replace('/v2/accounts/{account_sid}', '')}`;

/** The resource an `{id}` or `?id=` refers to: the collection segment before it. */
function resourceOf(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '{id}');
  return parts[parts.length - 1] ?? '';
}

/** Operations naming one of the account's resources: a trunk, or a webhook. */
function trunkScoped(op: Operation): boolean {
  return (
    op.path.includes('{trunk_sid}') || op.path.includes('{webhook_sid}') || op.query.some((q) => q.name === 'trunk_sid')
  );
}

/** A trunk with one item of every kind, created through the store (not the API under test). */
async function seed(store: Store, accountSid: string, n: number): Promise<Fixtures> {
  const trunk = await store.createTrunk({
    accountSid,
    name: `seed${n}`,
    nsoCode: 'ANY-ANY',
    domainName: `${accountSid}.pstn.exotel.com`,
  });
  const num = await store.addPhoneNumber(accountSid, trunk.sid, `+9199${String(10_000_000 + n)}`, 'pstn');
  const ip = await store.addWhitelistedIp(accountSid, trunk.sid, `192.0.2.${n % 250}`, 32);
  const dest = await store.addDestinationUri(accountSid, trunk.sid, {
    destination: `sip:seed${n}.example.com`,
    host: `seed${n}.example.com`,
    port: 5060,
    transport: 'udp',
    priority: 1,
    weight: 1,
  });
  await store.setSetting(accountSid, trunk.sid, 'trunk_external_alias', '+14155550199');
  const webhooks = store.webhooks as NonNullable<Store['webhooks']>;
  const { webhook } = await webhooks.createWebhook({
    accountSid,
    trunkSid: null,
    url: `https://seed${n}.example.com/hook`,
    events: ['*'],
  });
  await webhooks.enqueueEvents(
    [
      {
        id: `evt_seed${n}`,
        type: 'trunk.updated',
        accountSid,
        trunkSid: trunk.sid,
        createdAt: new Date().toISOString(),
        data: {},
      },
    ],
    Date.now(),
  );
  const [delivery] = await webhooks.listDeliveries(accountSid, webhook.sid, 1);
  return {
    accountSid,
    trunkSid: trunk.sid,
    ids: { 'phone-numbers': num.id, 'whitelisted-ips': ip.id, 'destination-uris': dest.id },
    webhookSid: webhook.sid,
    deliveryId: String(delivery?.id),
  };
}

function url(op: Operation, pathAccount: string, fx: Fixtures): string {
  const id = fx.ids[resourceOf(op.path)] ?? '1';
  let p = op.path
    .replace('{account_sid}', pathAccount)
    .replace('{trunk_sid}', fx.trunkSid)
    .replace('{id}', id)
    .replace('{webhook_sid}', fx.webhookSid)
    .replace('{delivery_id}', fx.deliveryId);
  const q = new URLSearchParams();
  for (const { name, required } of op.query) {
    if (name === 'trunk_sid') q.set(name, fx.trunkSid);
    else if (name === 'id') q.set(name, id);
    else if (name === 'name') q.set(name, 'trunk_external_alias');
    else if (required)
      assert.fail(`${key(op)}: no test value for required query parameter ${name}; add one to the matrix`);
  }
  const qs = q.toString();
  if (qs !== '') p += `?${qs}`;
  return p;
}

async function call(
  op: Operation,
  authorization: string | null,
  pathAccount: string,
  fx: Fixtures,
  bodyAccount: string,
) {
  const make = BODIES[key(op)];
  if (op.hasBody && make === undefined) assert.fail(`${key(op)} takes a body: add a valid one to BODIES in this test`);
  const made = op.hasBody && make ? make(bodyAccount) : undefined;
  const csv = made instanceof CsvBody;
  const body = made === undefined ? undefined : csv ? made.text : JSON.stringify(made);
  const r = await f.app.inject({
    method: op.method as 'GET',
    url: url(op, pathAccount, fx),
    headers: {
      ...(authorization === null ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': csv ? 'text/csv' : 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: body }),
  });
  // CSV and NDJSON exports answer text; their failures are still the JSON envelope.
  const json = r.headers['content-type']?.toString().startsWith('application/json') ? (r.json() as any) : null;
  // Token rotation succeeded: the caller's old token is dead, so later rounds use the new one.
  if (key(op) === 'POST /api-token/rotate' && r.statusCode === 200) {
    const who = [a, b].find((x) => x.accountSid === pathAccount);
    if (who) who.apiToken = json.response.data.api_token;
  }
  return { status: r.statusCode, text: r.body, json };
}

/** Everything account A has, read through the store. */
async function dump(store: Store, accountSid: string): Promise<string> {
  const page = { offset: 0, limit: 1000 };
  const trunks = (await store.listTrunks(accountSid, page)).items;
  const out: unknown[] = [];
  for (const t of trunks) {
    out.push(t, await store.getSipPassword(accountSid, t.sid));
    out.push((await store.listPhoneNumbers(accountSid, t.sid, page)).items);
    out.push((await store.listWhitelistedIps(accountSid, t.sid, page)).items);
    out.push((await store.listDestinationUris(accountSid, t.sid, page)).items);
    out.push(await store.listSettings(accountSid, t.sid));
  }
  return JSON.stringify(out);
}

after(stopSharedPostgres);

for (const kind of STORE_KINDS) {
  describe(`authorization matrix on ${kind}`, () => {
    before(async () => {
      f = await apiFixture(kind);
      await f.app.ready();
      const doc = f.app.swagger() as unknown as {
        paths: Record<
          string,
          Record<
            string,
            { parameters?: Array<{ in: string; name: string; required?: boolean }>; requestBody?: unknown }
          >
        >;
      };
      operations = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        if (!path.startsWith('/v2/accounts/{account_sid}')) continue;
        for (const [method, op] of Object.entries(ops)) {
          const query = (op.parameters ?? [])
            .filter((p) => p.in === 'query')
            .map((p) => ({ name: p.name, required: p.required === true }));
          operations.push({ method: method.toUpperCase(), path, query, hasBody: op.requestBody !== undefined });
        }
      }
      a = f.account;
      b = await f.store.createAccount('other');
      aFix = await seed(f.store, a.accountSid, 1);
      bFix = await seed(f.store, b.accountSid, 2);
      operatorToken = (await f.store.createOperatorToken('matrix')).secret;
    });
    after(() => f.close());

    test('the matrix covers every account-scoped operation of the OpenAPI document', () => {
      // A floor, not the exact count: new routes must only add rows.
      assert.ok(operations.length >= 30, `only ${operations.length} operations found`);
      for (const op of operations)
        if (op.hasBody) assert.ok(BODIES[key(op)], `${key(op)} needs a valid body in BODIES`);
    });

    test('hostile callers get 401 / 401 / 403 / 404 on every operation and change nothing', async () => {
      const before = await dump(f.store, a.accountSid);
      const bBefore = await dump(f.store, b.accountSid);
      const leaks: string[] = [];
      const wrong: string[] = [];
      const expect = (op: Operation, who: string, got: { status: number; json: any; text: string }, status: number) => {
        if (got.status !== status)
          wrong.push(`${key(op)} as ${who}: ${got.status} (expected ${status}) ${got.text.slice(0, 200)}`);
        else if (got.json?.response?.error_data?.code === undefined)
          wrong.push(`${key(op)} as ${who}: ${status} without the error envelope`);
        // Whatever the answer, A's identifiers must not come back to a caller who is not A.
        for (const secret of [aFix.trunkSid, ...Object.values(aFix.ids).map((id) => `"id":"${id}"`)]) {
          if (got.text.includes(secret) && !(status === 404 && secret === aFix.trunkSid))
            leaks.push(`${key(op)} as ${who} returned ${secret}`);
        }
      };
      for (const op of operations) {
        expect(op, 'no auth', await call(op, null, a.accountSid, aFix, a.accountSid), 401);
        expect(
          op,
          'wrong token',
          await call(op, basic(a.apiKey, `${a.apiToken.slice(0, -1)}x`), a.accountSid, aFix, a.accountSid),
          401,
        );
        expect(
          op,
          "B's key on A's path",
          await call(op, basic(b.apiKey, b.apiToken), a.accountSid, aFix, b.accountSid),
          403,
        );
        expect(op, 'operator token', await call(op, `Bearer ${operatorToken}`, a.accountSid, aFix, a.accountSid), 403);
        const bAuth = basic(b.apiKey, b.apiToken);
        if (trunkScoped(op)) {
          // B on its own account path, naming A's trunk (and A's item ids).
          expect(op, "B on its path with A's trunk", await call(op, bAuth, b.accountSid, aFix, b.accountSid), 404);
          if (
            Object.keys(aFix.ids).includes(resourceOf(op.path)) &&
            (op.path.endsWith('{id}') || op.query.some((q) => q.name === 'id'))
          ) {
            // B's own trunk, A's item id.
            const mixed: Fixtures = { ...bFix, ids: aFix.ids };
            expect(op, "B's trunk with A's item id", await call(op, bAuth, b.accountSid, mixed, b.accountSid), 404);
          }
        } else {
          // Account-level operations (list or create trunks) on B's path: B's data only.
          const own = await call(op, bAuth, b.accountSid, bFix, b.accountSid);
          assert.ok(
            own.status >= 200 && own.status < 300,
            `${key(op)} as B on its own path: ${own.status} ${own.text}`,
          );
          if (own.text.includes(aFix.trunkSid) || own.text.includes(a.accountSid))
            leaks.push(`${key(op)} as B listed A's data`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(leaks, []);
      assert.equal(
        await dump(f.store, a.accountSid),
        before,
        "account A's configuration changed under hostile requests",
      );
      // B only gained the trunks it created on its own path.
      assert.notEqual(bBefore, '');
      // A's token still works after all those failures (with a rate limit of 0 in this fixture).
      assert.equal((await f.api('GET', '/trunks')).status, 200);
    });

    test("the right key succeeds on every operation (each on a fresh trunk of A's)", async () => {
      const bad: string[] = [];
      let n = 100;
      for (const op of operations) {
        const fx = await seed(f.store, a.accountSid, n++);
        const r = await call(op, basic(a.apiKey, a.apiToken), a.accountSid, fx, a.accountSid);
        if (r.status !== 200) bad.push(`${key(op)}: ${r.status} ${r.text.slice(0, 300)}`);
      }
      assert.deepEqual(bad, []);
    });

    test("a suspended account's own key gets 403 (1016) on every operation and changes nothing", async () => {
      const s = await f.store.createAccount('suspended');
      const sFix = await seed(f.store, s.accountSid, 900);
      await f.store.setAccountStatus(s.accountSid, 'suspended');
      const before = await dump(f.store, s.accountSid);
      const wrong: string[] = [];
      for (const op of operations) {
        const r = await call(op, basic(s.apiKey, s.apiToken), s.accountSid, sFix, s.accountSid);
        if (r.status !== 403 || r.json?.response?.error_data?.code !== 1016)
          wrong.push(`${key(op)}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      assert.deepEqual(wrong, []);
      assert.equal(await dump(f.store, s.accountSid), before);
    });
  });
}
