import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Exotel's own Postman collection, run with newman against a live `vsip serve` (the real CLI,
 * `--role api --api-port 0`) serving HTTPS with `--api-cert`/`--api-key-file` (a self-signed
 * certificate made with openssl, which newman is told to trust, as a user would add it to
 * Postman). Its variables are set the way its description asks a user to: subdomain → vsip,
 * account_sid / api_key / api_token → an account (from the first-start banner, or from
 * `vsip accounts create --json`), `YOUR_SERVER_IP` → 127.0.0.1; `trunk_sid` and `phone_number_id`
 * are taken from earlier answers by a test script added at collection level, as the requests'
 * descriptions tell the user to "save" them.
 */

/** The subset of newman's Node API this test uses (STYLE 9). */
interface NewmanExecution {
  item: { name: string };
  request: { method: string; url: { toString(): string } };
  response?: { code: number; stream?: Buffer };
}
interface NewmanSummary {
  run: { executions: NewmanExecution[]; failures: Array<{ error: { message: string } }> };
}
interface Newman {
  run(options: Record<string, unknown>, callback: (err: Error | null, summary: NewmanSummary) => void): void;
}
const newman = createRequire(import.meta.url)('newman') as Newman;

/**
 * A verbatim copy of ../shared/reference/exotel-sip-trunking.postman_collection.json, kept in the repo so the test is
 * self-contained.
 */
const referencePath = new URL(
  '../../../test/api/fixtures/exotel-sip-trunking.postman_collection.json',
  import.meta.url,
);

const CAPTURE_SCRIPT = [
  // Save trunk_sid and the phone number id from successful answers, as the descriptions say.
  'if (pm.response.code === 200) {',
  '  const data = (pm.response.json().response || {}).data || {};',
  "  if (pm.info.requestName.indexOf('Create Trunk') >= 0 && data.trunk_sid) pm.collectionVariables.set('trunk_sid', " +
    'data.trunk_sid);',
  "  if (pm.info.requestName.indexOf('Map Phone Number') >= 0 && data.id) " +
    "pm.collectionVariables.set('phone_number_id', data.id);",
  '}',
];

interface Answer {
  name: string;
  method: string;
  url: string;
  status: number;
  body: any;
}

interface Account {
  accountSid: string;
  apiKey: string;
  apiToken: string;
}

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function userCollection(port: number, account: Account): Record<string, unknown> {
  const text = readFileSync(referencePath, 'utf8').replaceAll('YOUR_SERVER_IP', '127.0.0.1');
  const collection = JSON.parse(text) as { variable: Array<{ key: string; value: string }>; event?: unknown[] };
  const values: Record<string, string> = {
    subdomain: `127.0.0.1:${port}`,
    account_sid: account.accountSid,
    api_key: account.apiKey,
    api_token: account.apiToken,
  };
  for (const v of collection.variable) if (values[v.key] !== undefined) v.value = values[v.key] as string;
  collection.event = [{ listen: 'test', script: { type: 'text/javascript', exec: CAPTURE_SCRIPT } }];
  return collection;
}

/** JSON answers parsed; exports (CSV, NDJSON) kept as text. */
function parseAnswer(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function runCollection(collection: Record<string, unknown>, ca: string, folder?: string[]): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    newman.run({ collection, sslExtraCaCerts: ca, reporters: [], ...(folder ? { folder } : {}) }, (err, summary) => {
      if (err) return reject(err);
      const broken = summary.run.failures.filter((f) => !/AssertionError/.test(f.error.message));
      if (broken.length > 0) return reject(new Error(broken.map((f) => f.error.message).join('; ')));
      resolve(
        summary.run.executions.map((e) => ({
          name: e.item.name,
          method: e.request.method,
          url: e.request.url.toString(),
          status: e.response?.code ?? 0,
          body: e.response?.stream ? parseAnswer(e.response.stream.toString('utf8')) : null,
        })),
      );
    });
  });
}

function expectSuccess(a: Answer | undefined): any {
  assert.ok(a, 'request was run');
  assert.equal(a.status, 200, `${a.name}: ${JSON.stringify(a.body)}`);
  assert.equal(a.body.http_code, 200);
  assert.equal(a.body.response.status, 'success');
  return a.body.response.data;
}

/** One API call over HTTPS trusting only our certificate, with Basic auth. */
function httpsJson(
  method: string,
  url: string,
  account: Account,
  ca: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = httpsRequest(
      url,
      { method, headers, ca: readFileSync(ca), auth: `${account.apiKey}:${account.apiToken}` },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const getJson = (url: string, account: Account, ca: string) => httpsJson('GET', url, account, ca);

describe('Postman collections via newman against `vsip serve` over HTTPS', () => {
  let dir: string;
  let cert: string;
  let serve: ChildProcess;
  let port: number;
  let bannerAccount: Account;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vsip-newman-'));
    cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const ready = join(dir, 'ready.json');
    serve = spawn(
      process.execPath,
      [
        MAIN,
        'serve',
        '--role',
        'api',
        '--api-host',
        '127.0.0.1',
        '--api-port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--api-cert',
        cert,
        '--api-key-file',
        key,
        '--rate-limit',
        '0',
        '--ready-file',
        ready,
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    serve.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    // Start-up takes seconds on a busy machine; the wait ends as soon as the ready file appears.
    const deadline = Date.now() + 60_000;
    while (!existsSync(ready)) {
      if (Date.now() > deadline || serve.exitCode !== null) throw new Error(`vsip serve did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    base = JSON.parse(readFileSync(ready, 'utf8')).api as string;
    assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
    port = Number(new URL(base).port);
    // The first-start banner, read as a user reads it.
    const field = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(stderr)?.[1] ?? '';
    bannerAccount = { accountSid: field('Account SID'), apiKey: field('API key'), apiToken: field('API token') };
    assert.match(bannerAccount.accountSid, /^\w{8,}$/, `first-start banner: ${stderr}`);
    assert.ok(bannerAccount.apiToken.length >= 20);
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function createAccount(): Account {
    const out = execFileSync(
      process.execPath,
      [MAIN, 'accounts', 'create', '--json', '--data-dir', join(dir, 'data')],
      { encoding: 'utf8' },
    );
    const j = JSON.parse(out) as { account_sid: string; api_key: string; api_token: string };
    return { accountSid: j.account_sid, apiKey: j.api_key, apiToken: j.api_token };
  }

  test(
    'a user following "GETTING STARTED (PSTN)" then "MANAGE & VIEW" gets every answer the descriptions ' + 'promise',
    async () => {
      const account = bannerAccount;
      const answers = await runCollection(userCollection(port, account), cert, [
        '1. GETTING STARTED (PSTN)',
        '3. MANAGE & VIEW',
      ]);
      const by = (prefix: string) => answers.find((a) => a.name.startsWith(prefix));
      assert.equal(answers.length, 10);
      for (const a of answers)
        assert.match(a.url, new RegExp(`^https://127\\.0\\.0\\.1:${port}/v2/accounts/${account.accountSid}/trunks`));

      const trunk = expectSuccess(by('Step 1: Create Trunk'));
      assert.equal(trunk.trunk_name, 'my_trunk');
      assert.equal(trunk.domain_name, `${account.accountSid}.pstn.exotel.com`);
      const number = expectSuccess(by('Step 2: Map Phone Number'));
      assert.equal(number.phone_number, '+919876543210');
      assert.equal(number.mode, 'pstn');
      assert.match(number.id, /^\d+$/);
      assert.deepEqual([expectSuccess(by('Step 3')).ip, expectSuccess(by('Step 3')).mask], ['127.0.0.1', 32]);
      const dest = expectSuccess(by('Step 4'));
      assert.equal(dest[0].status, 'success');
      assert.equal(dest[0].data.destination, '127.0.0.1:5061;transport=tls');

      // MANAGE & VIEW acts on the trunk and number saved from the answers above.
      assert.deepEqual(
        expectSuccess(by('Get Phone Numbers')).map((n: any) => [n.id, n.phone_number]),
        [[number.id, '+919876543210']],
      );
      assert.deepEqual(
        expectSuccess(by('Get ACLs')).map((i: any) => `${i.ip}/${i.mask}`),
        ['127.0.0.1/32'],
      );
      assert.deepEqual(
        expectSuccess(by('Get Destination URIs')).map((d: any) => d.destination),
        ['127.0.0.1:5061;transport=tls'],
      );
      const updated = expectSuccess(by('Update Phone Number Mode'));
      assert.deepEqual([updated.id, updated.mode], [number.id, 'flow']);
      const alias = expectSuccess(by('Set Trunk Alias'));
      assert.deepEqual([alias[0].data.name, alias[0].data.value], ['trunk_external_alias', '+919876543210']);
      assert.deepEqual(expectSuccess(by('Delete Trunk')), { trunk_sid: trunk.trunk_sid, deleted: true });
      const gone = await getJson(
        `${base}/v2/accounts/${account.accountSid}/trunks?trunk_sid=${trunk.trunk_sid}`,
        account,
        cert,
      );
      assert.equal(gone.status, 404, 'the trunk is really gone');
    },
  );

  test(
    'the whole collection in order: StreamKit re-maps the same number, which is a 409 telling the user it is ' +
      'already mapped',
    async () => {
      const account = createAccount();
      const answers = await runCollection(userCollection(port, account), cert);
      assert.equal(answers.length, 13);
      const [pstnTrunk, , , , kitTrunk, kitNumber, kitAcl, getNumbers, getAcls, getDests, putMode, alias, del] =
        answers;
      const first = expectSuccess(pstnTrunk);
      for (const a of answers.slice(1, 4)) expectSuccess(a);
      const second = expectSuccess(kitTrunk);
      assert.equal(second.trunk_name, 'streamkit_trunk');
      assert.notEqual(second.trunk_sid, first.trunk_sid);

      // +919876543210 is mapped to the PSTN trunk already: a number routes to one trunk only.
      assert.equal(kitNumber?.name, 'Step 2: Map Phone Number (Flow Mode)');
      assert.equal(kitNumber?.status, 409);
      assert.equal(kitNumber?.body.http_code, 409);
      assert.equal(kitNumber?.body.response.error_data.code, 1002);
      assert.match(kitNumber?.body.response.error_data.description, /phone_number is already mapped to a trunk/);
      expectSuccess(kitAcl);

      // MANAGE & VIEW now acts on the StreamKit trunk (the last trunk_sid saved): it has no numbers
      // or destinations, its ACL is there, and the saved phone_number_id (of the PSTN trunk's
      // number, the only successful Map Phone Number) is not on this trunk: 404, nothing changed.
      assert.deepEqual(expectSuccess(getNumbers), []);
      assert.deepEqual(
        expectSuccess(getAcls).map((i: any) => i.ip),
        ['127.0.0.1'],
      );
      assert.deepEqual(expectSuccess(getDests), []);
      assert.equal(putMode?.status, 404);
      assert.equal(putMode?.body.response.error_data.code, 1003);
      const pstnNumbers = await getJson(
        `${base}/v2/accounts/${account.accountSid}/trunks/${first.trunk_sid}/phone-numbers`,
        account,
        cert,
      );
      assert.deepEqual(
        pstnNumbers.body.response.data.map((n: any) => [n.phone_number, n.mode]),
        [['+919876543210', 'pstn']],
      );
      expectSuccess(alias);
      assert.deepEqual(expectSuccess(del), { trunk_sid: second.trunk_sid, deleted: true });
      assert.equal(
        (await getJson(`${base}/v2/accounts/${account.accountSid}/trunks/${first.trunk_sid}`, account, cert)).status,
        200,
        'the PSTN trunk is untouched',
      );
    },
  );
  test(
    "vsip's own generated collection (postman/Exotel_vSIP_API_Collection.json) runs as its requests " + 'promise',
    async () => {
      const account = createAccount();
      const setup = await httpsJson('POST', `${base}/v2/accounts/${account.accountSid}/trunks`, account, cert, {
        trunk_name: 'setup_trunk',
        nso_code: 'ANY-ANY',
        domain_name: `${account.accountSid}.pstn.exotel.com`,
      });
      assert.equal(setup.status, 200);
      const collection = JSON.parse(
        readFileSync(new URL('../../../postman/Exotel_vSIP_API_Collection.json', import.meta.url), 'utf8'),
      ) as {
        variable: Array<{ key: string; value: string }>;
        item: Array<{ name: string }>;
      };
      const values: Record<string, string> = {
        base_url: base,
        api_key: account.apiKey,
        api_token: account.apiToken,
        account_sid: account.accountSid,
        trunk_sid: setup.body.response.data.trunk_sid,
      };
      for (const v of collection.variable) if (values[v.key] !== undefined) v.value = values[v.key] as string;
      const folders = collection.item.map((f) => f.name);
      assert.equal(folders[0], 'Trunks');

      // Every sub-resource folder on the setup trunk: create, read, update, delete by path; the
      // second delete (by ?id=) finds nothing left.
      // Not the Account folder: rotating the API token would end this run's credentials
      // (test/api/routes/console-api.test.ts covers it).
      const items = await runCollection(
        collection,
        cert,
        folders.slice(1).filter((f) => f !== 'Account'),
      );
      for (const a of items) {
        const secondDelete = a.method === 'DELETE' && /\?id=/.test(a.url);
        // The collection's webhook is made after its configuration calls, so it has no delivery to
        // send again: the redeliver request must find none (test/webhooks covers a real one).
        const noDelivery = a.method === 'POST' && /\/redeliver$/.test(a.url);
        if (noDelivery) {
          assert.equal(a.status, 404, `${a.name}: ${JSON.stringify(a.body)}`);
          assert.match(a.body.response.error_data.description, /delivery/);
        } else if (secondDelete) {
          assert.equal(a.status, 404, `${a.name}: ${JSON.stringify(a.body)}`);
          assert.equal(a.body.response.error_data.code, 1003);
        } else if (typeof a.body === 'string') {
          assert.equal(a.status, 200, `${a.name}: ${a.body}`);
        } else {
          expectSuccess(a);
        }
      }
      assert.ok(items.some((a) => a.method === 'POST' && /destination-uris$/.test(a.url)));

      // The Trunks folder: create my_trunk (its trunk_sid is saved), read, update, delete.
      const trunks = await runCollection(collection, cert, ['Trunks']);
      assert.deepEqual(
        trunks.map((a) => a.method),
        ['POST', 'GET', 'GET', 'PUT', 'DELETE', 'DELETE'],
      );
      const created = expectSuccess(trunks[0]);
      assert.equal(created.trunk_name, 'my_trunk');
      for (const a of trunks.slice(1, 5)) expectSuccess(a);
      assert.equal(expectSuccess(trunks[2]).trunk_sid, created.trunk_sid, 'trunk_sid saved from Create Trunk');
      assert.equal(trunks[5]?.status, 404);
      const left = await getJson(`${base}/v2/accounts/${account.accountSid}/trunks`, account, cert);
      assert.deepEqual(
        left.body.response.data.map((t: any) => t.trunk_name),
        ['setup_trunk'],
      );
    },
  );
});
