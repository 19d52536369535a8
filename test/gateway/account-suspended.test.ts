/**
 * Suspension end to end: the operator suspends an account through the operator API; the
 * account's API calls get 403 and a SIP call from its (whitelisted, mapped) PBX gets SIP 403
 * with call-log cause `account_suspended`; after resume the same call is answered again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/api/app.js';
import { createLogger } from '../../src/logger.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import { ApiClient } from '../support/api-client.js';

let h: Harness;
let api: ApiClient;
let app: FastifyInstance;
let operatorToken: string;
let trunk: string;
const CALLER = '+919800000077';

before(async () => {
  h = await startHarness();
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('susp', CALLER, '127.0.0.2');
  app = await buildApp({ store: h.store, config: h.config, logger: createLogger('silent'), metrics: new Registry() });
  operatorToken = (await h.store.createOperatorToken('test')).secret;
});
after(async () => {
  await app.close();
  await api.close();
  await h.close();
});

const operator = (action: 'suspend' | 'resume') =>
  app.inject({
    method: 'POST',
    url: `/v2/operator/accounts/${h.accountSid}/${action}`,
    headers: { authorization: `Bearer ${operatorToken}` },
  });

/** The newest call of the trunk, read from the store (the account's own API is closed while suspended). */
async function lastCall() {
  await h.gateway.callLog.flush();
  const page = await h.store.listCalls(h.accountSid, trunk, { offset: 0, limit: 1, result: 'all' });
  return page.items[0];
}

const call = (scenario: string) =>
  runSipp({
    scenario,
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { caller: CALLER, host: `${h.accountSid}.pstn.exotel.com`, codecs: '0 8', maxfwd: '70' },
  });

test('a suspended account: API 403, SIP 403 account_suspended; resumed: answered again', async () => {
  const before = await call('pbx-call.xml');
  assert.equal(before.code, 0, before.output.slice(-3000));

  const suspended = await operator('suspend');
  assert.equal(suspended.statusCode, 200, suspended.body);
  await h.gateway.snapshot.settled();
  await waitFor(
    () => h.gateway.snapshot.getTrunk(trunk)?.accountSuspended === true,
    5000,
    'suspension in the snapshot',
  );
  await assert.rejects(api.calls(trunk), (err: Error & { httpStatus?: number }) => {
    assert.equal(err.httpStatus, 403);
    return true;
  });

  const refused = await call(scenarioWithCode('pbx-rejected.xml', 403));
  assert.equal(refused.code, 0, `expected 403:\n${refused.output.slice(-3000)}`);
  const c = await lastCall();
  assert.equal(c?.cause, 'account_suspended');
  assert.equal(c?.finalCode, 403);

  assert.equal((await operator('resume')).statusCode, 200);
  await waitFor(() => h.gateway.snapshot.getTrunk(trunk)?.accountSuspended !== true, 5000, 'resumed in the snapshot');
  const again = await call('pbx-call.xml');
  assert.equal(again.code, 0, again.output.slice(-3000));
  const done = await waitFor(async () => {
    const x = await lastCall();
    return x?.cause === 'completed' ? x : undefined;
  });
  assert.equal(done.finalCode, 200);
  assert.equal((await api.calls(trunk))[0]?.cause, 'completed', 'the account API answers again');
});
