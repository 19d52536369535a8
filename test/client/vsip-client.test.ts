import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createAccountCli,
  startServe,
  tempDir,
  type AccountJson,
  type ServeProcess,
} from '../support/serve-process.js';
import { rmSync } from 'node:fs';
import { VsipApiError, VsipClient, collectAll, type FetchLike } from '../../src/index.js';

let serve: ServeProcess;
let account: AccountJson;
let dataDir: string;
let vsip: VsipClient;

before(async () => {
  dataDir = tempDir('vsip-sdk-');
  account = createAccountCli(dataDir);
  serve = await startServe({ dataDir, env: { VSIP_LOG_LEVEL: 'warn' } });
  vsip = new VsipClient({
    baseUrl: serve.api ?? '',
    accountSid: account.account_sid,
    apiKey: account.api_key,
    apiToken: account.api_token,
  });
});
after(async () => {
  await serve?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("the package's public index is the SDK: import { VsipClient } from 'vsip'", async () => {
  const pkg = await import('vsip');
  assert.equal(pkg.VsipClient, VsipClient);
  assert.equal(typeof pkg.VsipApiError, 'function');
  assert.equal(typeof pkg.paginate, 'function');
});

test(
  'the whole API through typed methods: trunk, numbers, IPs, destinations, credentials, settings, calls, ' + 'health',
  async () => {
    const health = await vsip.health();
    assert.equal(health.status, 'ok');

    const trunk = await vsip.trunks.create({ trunk_name: 'sdk_trunk' });
    assert.equal(trunk.nso_code, 'ANY-ANY');
    assert.equal(trunk.domain_name, `${account.account_sid}.pstn.exotel.com`);
    assert.equal((await vsip.trunks.get(trunk.trunk_sid)).trunk_name, 'sdk_trunk');
    assert.equal((await vsip.trunks.update(trunk.trunk_sid, { status: 'inactive' })).status, 'inactive');

    const n = await vsip.phoneNumbers.add(trunk.trunk_sid, { phone_number: '+919800000401' });
    assert.equal((await vsip.phoneNumbers.get(trunk.trunk_sid, n.id)).phone_number, '+919800000401');
    assert.equal((await vsip.phoneNumbers.update(trunk.trunk_sid, n.id, { mode: 'flow' })).mode, 'flow');

    const ip = await vsip.whitelistedIps.add(trunk.trunk_sid, { ip: '127.0.0.2' });
    assert.equal(ip.mask, 32);
    assert.equal((await vsip.whitelistedIps.update(trunk.trunk_sid, ip.id, { mask: 31 })).mask, 31);

    const added = await vsip.destinationUris.add(trunk.trunk_sid, [
      { destination: '127.0.0.1:5061;transport=tls', priority: 1 },
      { destination: 'no good', priority: 2 },
    ]);
    assert.equal(added.items.length, 1, 'a 207 gives the created items');
    assert.equal(added.errors.length, 1, 'and the per-item errors');
    assert.equal(added.errors[0]?.code, 1000);
    await assert.rejects(
      vsip.destinationUris.add(trunk.trunk_sid, [{ destination: 'bad' }]),
      (e: unknown) => e instanceof VsipApiError && e.httpStatus === 400,
    );
    const d = added.items[0]!;
    assert.equal((await vsip.destinationUris.update(trunk.trunk_sid, d.id, { weight: 9 })).weight, 9);

    const creds = await vsip.credentials.get(trunk.trunk_sid);
    assert.equal(creds.username, trunk.trunk_sid);
    const rotated = await vsip.credentials.rotate(trunk.trunk_sid);
    assert.notEqual(rotated.password, creds.password);

    assert.equal(await vsip.settings.getAlias(trunk.trunk_sid), null);
    await vsip.settings.setAlias(trunk.trunk_sid, '+919800000499');
    assert.equal(await vsip.settings.getAlias(trunk.trunk_sid), '+919800000499');
    await vsip.settings.clearAlias(trunk.trunk_sid);
    assert.equal(await vsip.settings.getAlias(trunk.trunk_sid), null);

    assert.deepEqual((await vsip.calls.list(trunk.trunk_sid, { result: 'failed' })).items, []);

    await vsip.phoneNumbers.remove(trunk.trunk_sid, n.id);
    await vsip.whitelistedIps.remove(trunk.trunk_sid, ip.id);
    await vsip.destinationUris.remove(trunk.trunk_sid, d.id);
    await vsip.trunks.delete(trunk.trunk_sid);
    await assert.rejects(vsip.trunks.get(trunk.trunk_sid), (e: unknown) => e instanceof VsipApiError && e.isNotFound);
  },
);

test('errors are VsipApiError with the HTTP status, vSIP code, description and request id', async () => {
  await vsip.trunks.create({ trunk_name: 'sdk_dup' });
  const dup = await vsip.trunks.create({ trunk_name: 'sdk_dup' }).catch((e: unknown) => e);
  assert.ok(dup instanceof VsipApiError);
  assert.equal(dup.httpStatus, 409);
  assert.equal(dup.code, 1002);
  assert.match(dup.description, /trunk_name/);
  assert.match(dup.requestId ?? '', /\w+/);

  const wrong = new VsipClient({
    baseUrl: serve.api ?? '',
    accountSid: account.account_sid,
    apiKey: account.api_key,
    apiToken: 'not-the-token',
  });
  const auth = await wrong.trunks.list().catch((e: unknown) => e);
  assert.ok(auth instanceof VsipApiError);
  assert.deepEqual([auth.httpStatus, auth.code], [401, 1010]);

  const down = new VsipClient({ baseUrl: 'http://127.0.0.1:9', accountSid: 'x', apiKey: 'k', apiToken: 't' });
  const refused = await down.trunks.list().catch((e: unknown) => e);
  assert.ok(refused instanceof VsipApiError);
  assert.equal(refused.httpStatus, 0);
  assert.equal(refused.code, null);
});

test('pagination: iterate() walks every page; list() gives one page with its metadata', async () => {
  const trunk = await vsip.trunks.create({ trunk_name: 'sdk_pages' });
  const numbers = Array.from({ length: 23 }, (_, i) => `+91980000${String(1000 + i)}`);
  for (const phone_number of numbers) await vsip.phoneNumbers.add(trunk.trunk_sid, { phone_number });
  const first = await vsip.phoneNumbers.list(trunk.trunk_sid, { pageSize: 10 });
  assert.equal(first.items.length, 10);
  assert.ok(first.metadata.next_page_uri, 'a next page is announced');
  const seen: string[] = [];
  for await (const n of vsip.phoneNumbers.iterate(trunk.trunk_sid, { pageSize: 10 })) seen.push(n.phone_number);
  assert.deepEqual([...seen].sort(), [...numbers].sort());
  assert.equal((await collectAll((p) => vsip.phoneNumbers.list(trunk.trunk_sid, p), { pageSize: 7 })).length, 23);
});

test('a custom fetch is used for every request, with Basic auth and JSON', async () => {
  const seen: Array<{ url: string; method: string; auth: string | undefined; type: string | undefined }> = [];
  const spy: FetchLike = async (url, init) => {
    seen.push({ url, method: init.method, auth: init.headers.authorization, type: init.headers['content-type'] });
    return fetch(url, init) as unknown as ReturnType<FetchLike>;
  };
  const c = new VsipClient({
    baseUrl: `${serve.api}/`,
    accountSid: account.account_sid,
    apiKey: account.api_key,
    apiToken: account.api_token,
    fetch: spy,
  });
  await c.trunks.create({ trunk_name: 'sdk_spy' });
  assert.equal(seen[0]?.url, `${serve.api}/v2/accounts/${account.account_sid}/trunks`);
  assert.equal(seen[0]?.method, 'POST');
  assert.equal(seen[0]?.auth, `Basic ${Buffer.from(`${account.api_key}:${account.api_token}`).toString('base64')}`);
  assert.equal(seen[0]?.type, 'application/json');
});

test('a 429 is retried after its Retry-After; past the retries it is a VsipApiError', async () => {
  let limited = 1;
  const calls: number[] = [];
  const flaky: FetchLike = async (url, init) => {
    calls.push(Date.now());
    if (limited-- > 0) {
      return {
        status: 429,
        headers: { get: (n: string) => (n === 'retry-after' ? '0' : null) },
        text: async () =>
          JSON.stringify({
            request_id: 'r1',
            method: 'GET',
            http_code: 429,
            response: {
              code: 429,
              status: 'failure',
              error_data: { code: 1429, message: 'Too many requests', description: 'rate limit' },
              data: null,
            },
          }),
      };
    }
    return fetch(url, init) as unknown as ReturnType<FetchLike>;
  };
  const c = new VsipClient({
    baseUrl: serve.api ?? '',
    accountSid: account.account_sid,
    apiKey: account.api_key,
    apiToken: account.api_token,
    fetch: flaky,
  });
  await c.trunks.list();
  assert.equal(calls.length, 2, 'one retry');

  limited = 10;
  const e = await c.trunks.list().catch((err: unknown) => err);
  assert.ok(e instanceof VsipApiError);
  assert.equal(e.httpStatus, 429);
  assert.equal(e.code, 1429);
  assert.equal(calls.length, 5, 'two retries, then the error');
});
