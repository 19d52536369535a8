/**
 * `GET /v2/operator/carriers/{sid}/status`: the gateway's live carrier state (probe per URI,
 * registration) joined to the stored carrier, for the operator only; `gateway: none` where this
 * process runs no gateway.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/app.js';
import type { CarrierRegistrationState, CarrierStatus } from '../../../src/carriers/carrier-status.js';
import type { UriProbeState } from '../../../src/carriers/carrier-prober.js';
import { loadConfig } from '../../../src/config/config.js';
import { createLogger } from '../../../src/logger.js';
import { createMetricsRegistry } from '../../../src/metrics.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/types.js';
import { basic } from '../api-fixture.js';

let dataDir: string;
let store: Store;
let withGateway: FastifyInstance;
let apiOnly: FastifyInstance;
let token: string;
const probes: UriProbeState[] = [];
const registrations: CarrierRegistrationState[] = [];
const live: CarrierStatus = { uris: () => probes, registrations: () => registrations };

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vsip-carrier-status-'));
  const config = loadConfig({ dataDir, rateLimit: 0 }, {});
  store = await openStore({ databaseUrl: null, dataDir, secretKey: null });
  const deps = { store, config, logger: createLogger('silent'), metrics: createMetricsRegistry() };
  withGateway = await buildApp({ ...deps, carrierStatus: () => live });
  apiOnly = await buildApp({ ...deps, metrics: createMetricsRegistry() });
  token = (await store.createOperatorToken('test')).secret;
});
after(async () => {
  await withGateway.close();
  await apiOnly.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function status(app: FastifyInstance, sid: string, auth = `Bearer ${token}`) {
  const r = await app.inject({
    method: 'GET',
    url: `/v2/operator/carriers/${sid}/status`,
    headers: { authorization: auth },
  });
  return { status: r.statusCode, body: r.json() };
}

test('carrier status: per URI up / down / held / not probed, and the registration, from the gateway', async () => {
  const c = await store.createCarrier({
    name: 'alpha',
    uris: [
      { uri: 'sip:192.0.2.10', priority: 1, weight: 1 },
      { uri: 'sip:192.0.2.11', priority: 1, weight: 1 },
      { uri: 'sip:192.0.2.12', priority: 2, weight: 1 },
      { uri: 'sip:192.0.2.13', priority: 3, weight: 1 },
    ],
    credentials: { username: 'u', password: 'p', authUsername: null, realm: null },
    registration: { registrarUri: 'sip:192.0.2.10', expires: 300, contactUser: 'vsip-1' },
    sourceCidrs: [],
    codecs: [],
    maxCallsPerSecond: null,
    maxConcurrentCalls: null,
    probe: true,
    srtp: false,
  });
  const [u0, u1, u2, u3] = c.uris.map((u) => u.id);
  const base = { carrierSid: c.sid, carrierName: 'alpha', streak: 0, lastProbeAt: Date.UTC(2026, 0, 2, 3, 4, 5) };
  probes.push(
    { ...base, uriId: u0 ?? '', uri: 'sip:192.0.2.10', up: true, lastResult: 200, heldUntil: null },
    { ...base, uriId: u1 ?? '', uri: 'sip:192.0.2.11', up: false, lastResult: 'timeout', heldUntil: null, streak: 3 },
    { ...base, uriId: u2 ?? '', uri: 'sip:192.0.2.12', up: true, lastResult: 503, heldUntil: Date.now() + 60_000 },
    // Another carrier's URI: not in this answer.
    { ...base, carrierSid: 'CRother', uriId: 'x', uri: 'sip:x', up: false, lastResult: 500, heldUntil: null },
  );
  registrations.push({
    carrierSid: c.sid,
    carrierName: 'alpha',
    registrarUri: 'sip:192.0.2.10',
    state: 'failing',
    lastResult: 403,
    expiresAt: null,
    nextAttemptAt: Date.UTC(2026, 0, 2, 3, 5, 0),
    contact: 'sip:vsip-1@198.51.100.1:5080',
  });

  const r = await status(withGateway, c.sid);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const data = r.body.response.data;
  assert.equal(data.gateway, 'this_process');
  assert.equal(data.name, 'alpha');
  assert.deepEqual(
    data.uris.map((u: { id: string; state: string; last_result: unknown }) => [u.id, u.state, u.last_result]),
    [
      [u0, 'up', 200],
      [u1, 'down', 'timeout'],
      [u2, 'held', 503],
      [u3, 'not_probed', null],
    ],
  );
  assert.equal(data.uris[0].last_probe_at, '2026-01-02T03:04:05Z');
  assert.match(data.uris[2].held_until, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(data.registration, {
    registrar_uri: 'sip:192.0.2.10',
    state: 'failing',
    last_result: 403,
    expires_at: null,
    next_attempt_at: '2026-01-02T03:05:00Z',
    contact: 'sip:vsip-1@198.51.100.1:5080',
  });

  // Probing switched off: the last states are no claim about the URI any more.
  await store.updateCarrier(c.sid, { probe: false });
  const off = (await status(withGateway, c.sid)).body.response.data;
  assert.deepEqual(
    off.uris.map((u: { state: string }) => u.state),
    ['not_probed', 'not_probed', 'held', 'not_probed'],
  );

  // A process without a gateway says so instead of claiming every URI unprobed and nothing registered.
  const none = await status(apiOnly, c.sid);
  assert.equal(none.status, 200);
  assert.equal(none.body.response.data.gateway, 'none');
  assert.equal(none.body.response.data.registration, null);
});

test('carrier status: unknown carrier 404; account credentials and no credentials refused', async () => {
  const missing = await status(withGateway, 'CRnope');
  assert.equal(missing.status, 404);
  const acct = await store.createAccount('acme');
  const asAccount = await status(withGateway, 'CRnope', basic(acct.apiKey, acct.apiToken));
  assert.equal(asAccount.status, 403);
  const anonymous = await withGateway.inject({ method: 'GET', url: '/v2/operator/carriers/CRnope/status' });
  assert.equal(anonymous.statusCode, 401);
});
