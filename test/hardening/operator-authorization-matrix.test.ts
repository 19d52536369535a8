/**
 * The operator API's authorisation: every operation under /v2/operator of the OpenAPI document the
 * app serves (so a route added later is in the matrix at once) × the callers:
 *
 *   no Authorization                  → 401 (WWW-Authenticate: Bearer)
 *   an unknown or malformed Bearer    → 401
 *   account A's key and token (Basic) → 403
 *   account B's key and token (Basic) → 403
 *   a suspended account's key         → 403
 *   the operator token                → 2xx
 *
 * After the hostile rounds, the store's accounts, carriers and routes are what they were.
 * Account routes × the operator token are in authorization-matrix.test.ts. SQLite and PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, basic, STORE_KINDS, stopSharedPostgres, type ApiFixture } from '../api/api-fixture.js';
import type { AccountCredentials, Store } from '../../src/store/types.js';

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
}

let serial = 0;

/** Valid bodies (key: METHOD path). Carrier and route sids are filled per call. */
const BODIES: Record<string, (sids: Sids) => unknown> = {
  'POST /v2/operator/accounts': () => ({ name: `acct${++serial}` }),
  'POST /v2/operator/carriers': () => ({ name: `car${++serial}`, uris: [{ uri: `sip:192.0.2.${serial % 250}` }] }),
  'PUT /v2/operator/carriers/{carrier_sid}': () => ({ max_calls_per_second: 5 }),
  'POST /v2/operator/routes': (s) => ({ prefix: String(1000 + ++serial), carriers: [{ carrier_sid: s.carrier }] }),
  'PUT /v2/operator/routes/{route_sid}': (s) => ({ carriers: [{ carrier_sid: s.carrier, weight: 2 }] }),
};

interface Sids {
  account: string;
  carrier: string;
  route: string;
}

const key = (op: Operation) => `${op.method} ${op.path}`;

/** Fresh things to act on, made through the store, so that deletes in the 2xx round have targets. */
async function seed(store: Store): Promise<Sids> {
  const account = (await store.createAccount(`seed${++serial}`)).accountSid;
  const carrier = await store.createCarrier({
    name: `seed${++serial}`,
    uris: [{ uri: 'sip:192.0.2.1', priority: 1, weight: 1 }],
    credentials: null,
    registration: null,
    sourceCidrs: [],
    codecs: ['PCMU'],
    maxCallsPerSecond: null,
    maxConcurrentCalls: null,
    probe: false,
    srtp: false,
  });
  // The route uses a second carrier, so the seeded `carrier` itself can be deleted.
  const other = await store.createCarrier({
    ...(await store.getCarrier(carrier.sid))!,
    name: `seed${++serial}`,
    uris: [{ uri: 'sip:192.0.2.2', priority: 1, weight: 1 }],
    credentials: null,
    sourceCidrs: [],
    codecs: ['PCMU'],
  });
  const route = await store.createCarrierRoute({
    prefix: String(++serial),
    carriers: [{ carrierSid: other.sid, priority: 1, weight: 1 }],
  });
  return { account, carrier: carrier.sid, route: route.sid };
}

async function dump(store: Store): Promise<string> {
  const page = { offset: 0, limit: 1000 };
  return JSON.stringify([
    await store.listAccounts(),
    (await store.listCarriers(page)).items,
    (await store.listCarrierRoutes(page)).items,
  ]);
}

for (const kind of STORE_KINDS) {
  describe(`operator authorization matrix on ${kind}`, () => {
    let f: ApiFixture;
    let operations: Operation[];
    let token: string;
    let a: AccountCredentials;
    let b: AccountCredentials;
    let suspended: AccountCredentials;

    const call = async (op: Operation, authorization: string | null, sids: Sids) => {
      const make = BODIES[key(op)];
      if (op.hasBody && make === undefined) assert.fail(`${key(op)} takes a body: add a valid one to BODIES`);
      const body = op.hasBody && make ? JSON.stringify(make(sids)) : undefined;
      const url = op.path
        .replace('{account_sid}', sids.account)
        .replace('{carrier_sid}', sids.carrier)
        .replace('{route_sid}', sids.route);
      const r = await f.app.inject({
        method: op.method as 'GET',
        url,
        headers: {
          ...(authorization === null ? {} : { authorization }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: body }),
      });
      return { status: r.statusCode, text: r.body, headers: r.headers };
    };

    before(async () => {
      f = await apiFixture(kind);
      await f.app.ready();
      const doc = f.app.swagger() as unknown as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
      operations = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        if (!path.startsWith('/v2/operator/')) continue;
        for (const [method, op] of Object.entries(ops)) {
          operations.push({ method: method.toUpperCase(), path, hasBody: op.requestBody !== undefined });
        }
      }
      token = (await f.store.createOperatorToken('matrix')).secret;
      a = f.account;
      b = await f.store.createAccount('b');
      suspended = await f.store.createAccount('s');
      await f.store.setAccountStatus(suspended.accountSid, 'suspended');
    });
    after(async () => {
      await f.close();
      await stopSharedPostgres();
    });

    test('the matrix covers every operator operation of the OpenAPI document', () => {
      assert.ok(operations.length >= 17, `only ${operations.length} operator operations found`);
      for (const op of operations) if (op.hasBody) assert.ok(BODIES[key(op)], `${key(op)} needs a body in BODIES`);
    });

    test('no, wrong and account credentials get 401 / 401 / 403 everywhere and change nothing', async () => {
      const sids = await seed(f.store);
      const before = await dump(f.store);
      const wrong: string[] = [];
      const callers: Array<[string, string | null, number]> = [
        ['no auth', null, 401],
        ['unknown operator token', `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 401],
        ['malformed Bearer', 'Bearer', 401],
        ["A's key", basic(a.apiKey, a.apiToken), 403],
        ["B's key", basic(b.apiKey, b.apiToken), 403],
        ["a suspended account's key", basic(suspended.apiKey, suspended.apiToken), 403],
      ];
      for (const op of operations) {
        for (const [who, auth, status] of callers) {
          const r = await call(op, auth, sids);
          if (r.status !== status) wrong.push(`${key(op)} as ${who}: ${r.status} (expected ${status})`);
          else if (JSON.parse(r.text).response?.error_data?.code === undefined) wrong.push(`${key(op)}: no envelope`);
          if (status === 401 && !String(r.headers['www-authenticate'] ?? '').startsWith('Bearer'))
            wrong.push(`${key(op)} as ${who}: 401 without a Bearer challenge`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.equal(await dump(f.store), before, 'the operator configuration changed under hostile requests');
    });

    test('the operator token succeeds on every operation', async () => {
      const bad: string[] = [];
      for (const op of operations) {
        const r = await call(op, `Bearer ${token}`, await seed(f.store));
        if (r.status !== 200) bad.push(`${key(op)}: ${r.status} ${r.text.slice(0, 300)}`);
      }
      assert.deepEqual(bad, []);
    });
  });
}
