/**
 * The operator API and the gateway's carrier side joined, in one real `vsip serve`: carriers and
 * routes are made over HTTP with an operator token from `vsip operator-token create`, and calls
 * placed by a sipp PBX go where the stored routes say, the `--carrier` shortcut catching every
 * number outside them. A route changed through the API steers the next call with no restart; a
 * sipp carrier that challenges gets the password the API stored (encrypted); inbound from a
 * carrier's stored source CIDR is accepted and from anywhere else refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorClient } from '../../src/client/index.js';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { startCarrierUas, type CarrierUas } from '../support/carrier-uas.js';
import { freePort, portBound } from '../support/ports.js';
import { json, runCli } from '../support/run-cli.js';
import { createAccountCli, serveClient, startServe, tempDir, type ServeProcess } from '../support/serve-process.js';
import { SIPP_DIR, runSipp, startSipp } from '../support/sipp.js';
import { waitFor } from '../support/wait-for.js';

const PBX_IP = '127.0.0.2';
const CALLER = '+919800000001';
const INBOUND_NUMBER = '+15550002001';

let dataDir: string;
let serve: ServeProcess;
let op: OperatorClient;
let cliEnv: Record<string, string>;
let domain: string;
let alpha: CarrierUas;
let beta: CarrierUas;
let fallback: CarrierUas;
let pbx: CarrierUas;

before(async () => {
  dataDir = tempDir('vsip-e2e-carriers-');
  const env = { VSIP_SECRET_KEY: randomBytes(32).toString('hex') };
  const account = createAccountCli(dataDir, env);
  [alpha, beta, fallback, pbx] = await Promise.all([
    startCarrierUas(),
    startCarrierUas(),
    startCarrierUas(),
    startCarrierUas(),
  ]);
  serve = await startServe({ dataDir, env, args: ['--carrier', fallback.uri()] });
  const minted = await runCli(['operator-token', 'create', '--json', '--data-dir', dataDir], env);
  assert.equal(minted.code, 0, minted.stderr);
  const operatorToken = json<{ operator_token: string }>(minted).operator_token;
  op = new OperatorClient({ baseUrl: serve.api ?? '', operatorToken });
  cliEnv = { VSIP_API_URL: serve.api ?? '', VSIP_OPERATOR_TOKEN: operatorToken, XDG_CONFIG_HOME: join(dataDir, 'x') };

  // The account side: a PBX on 127.0.0.2 that may send calls, and a number that receives them.
  domain = `${account.account_sid}.pstn.exotel.com`;
  const api = serveClient(serve, account);
  const { trunk_sid: out } = await api.trunks.create({ trunk_name: 'pbx', nso_code: 'ANY-ANY', domain_name: domain });
  await api.phoneNumbers.add(out, { phone_number: CALLER });
  await api.whitelistedIps.add(out, { ip: PBX_IP, mask: 32 });
  const { trunk_sid: into } = await api.trunks.create({ trunk_name: 'in' });
  await api.phoneNumbers.add(into, { phone_number: INBOUND_NUMBER });
  await api.destinationUris.add(into, [{ destination: `127.0.0.1:${pbx.port};transport=tcp` }]);
});

after(async () => {
  await serve?.stop();
  await Promise.all([alpha, beta, fallback, pbx].map((c) => c?.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

function sipPort(side: 'access' | 'carrier'): number {
  const l = serve.sip.find((a) => a.side === side && a.protocol === 'udp');
  assert.ok(l, `vsip listens on the ${side} side over UDP`);
  return l.port;
}

/** One call from the sipp PBX to `dialled`, which must complete (200, ACK, BYE). */
async function pbxCall(dialled: string): Promise<void> {
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: `127.0.0.1:${sipPort('access')}`,
    localIp: PBX_IP,
    service: dialled,
    keys: { caller: CALLER, host: domain },
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, `call to ${dialled}:\n${r.output.slice(-3000)}\n${serve.output().slice(-3000)}`);
}

/** Which of the carriers answered the calls made by `fn`. */
async function answeredBy(fn: () => Promise<void>): Promise<string[]> {
  const before = [alpha, beta, fallback].map((c) => c.stats.answered);
  await fn();
  const names = ['alpha', 'beta', 'fallback'];
  return [alpha, beta, fallback].flatMap((c, i) => (c.stats.answered > (before[i] ?? 0) ? [names[i] ?? ''] : []));
}

test('routes from the operator API: prefixes reach their carriers, the rest the --carrier default', async () => {
  const a = await op.carriers.create({ name: 'alpha', uris: [{ uri: alpha.uri() }] });
  const b = await op.carriers.create({ name: 'beta', uris: [{ uri: beta.uri() }] });
  await op.routes.create({ prefix: '4420', carriers: [{ carrier_sid: a.carrier_sid }] });
  const uk = await op.routes.create({ prefix: '44', carriers: [{ carrier_sid: b.carrier_sid }] });

  // The SIP side reads the store's change feed: wait until the plan reached it.
  await waitFor(
    async () => ((await answeredBy(() => pbxCall('+442079460000'))).includes('alpha') ? true : undefined),
    10_000,
    'the stored routes to reach the gateway',
  );
  assert.deepEqual(await answeredBy(() => pbxCall('+442079460001')), ['alpha'], 'longest prefix 4420');
  assert.deepEqual(await answeredBy(() => pbxCall('+441632960000')), ['beta'], 'prefix 44');
  assert.deepEqual(await answeredBy(() => pbxCall('+14155550100')), ['fallback'], 'outside every prefix');

  // Repointed through the API, with no restart: +44 now goes to alpha.
  await op.routes.update(uk.route_sid, { carriers: [{ carrier_sid: a.carrier_sid }] });
  await waitFor(
    async () => ((await answeredBy(() => pbxCall('+441632960001'))).includes('alpha') ? true : undefined),
    10_000,
    'the changed route to steer the next call',
  );
  assert.deepEqual(await answeredBy(() => pbxCall('+441632960002')), ['alpha']);
});

/** carrier-challenge.xml as a 401 (MD5): sipp's verifyauth checks user acme, password s3cret. */
function challenge401(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vsip-sipp-')), 'carrier-challenge-401.xml');
  const text = readFileSync(join(SIPP_DIR, 'carrier-challenge.xml'), 'utf8')
    .replaceAll('__CODE__', '401')
    .replaceAll('__HEADER__', 'WWW-Authenticate')
    .replaceAll('__HEADER_ANSWER__', 'Authorization')
    .replaceAll('__CHECK_VAR__', 'authvalid');
  writeFileSync(file, text);
  return file;
}

test('a carrier that challenges is answered with the password stored through the API', async () => {
  const port = await freePort('127.0.0.5');
  const sipp = startSipp({ scenario: challenge401(), localIp: '127.0.0.5', localPort: port });
  try {
    await portBound(port, '127.0.0.5', 'udp');
    const c = await op.carriers.create({
      name: 'secure',
      uris: [{ uri: `sip:127.0.0.5:${port}` }],
      credentials: { username: 'acme', password: 's3cret' },
    });
    assert.equal(c.credentials?.password_set, true);
    assert.ok(!JSON.stringify(c).includes('s3cret'), 'the API never answers the password');
    await op.routes.create({ prefix: '61', carriers: [{ carrier_sid: c.carrier_sid }] });
    await waitFor(
      async () => ((await op.routes.list()).items.some((r) => r.prefix === '61') ? true : undefined),
      5000,
      'the route',
    );
    // The first call may still find the old plan (fallback): place calls until the carrier's one.
    await waitFor(
      async () => ((await answeredBy(() => pbxCall('+61255501234'))).length === 0 ? true : undefined),
      10_000,
      'a call to reach the challenging carrier',
    );
    const r = await sipp.done;
    assert.equal(r.code, 0, `sipp checked the digest answer:\n${r.output.slice(-3000)}`);
  } finally {
    sipp.kill();
  }
});

test("inbound: from a carrier's stored source CIDR accepted, from elsewhere 403 unknown_carrier", async () => {
  await op.carriers.create({ name: 'origin', uris: [{ uri: 'sip:127.0.0.6' }], source_cidrs: ['127.0.0.6/31'] });
  const carrier = await PstnSim.start({ host: '127.0.0.7' });
  const stranger = await PstnSim.start({ host: '127.0.0.8' });
  try {
    const target = { protocol: 'udp' as const, address: '127.0.0.1', port: sipPort('carrier') };
    await waitFor(
      async () => ((await carrier.call(INBOUND_NUMBER, target)).status === 200 ? true : undefined),
      10_000,
      'a call from 127.0.0.7 (inside 127.0.0.6/31) to be accepted',
    );
    const r = await stranger.call(INBOUND_NUMBER, target);
    assert.equal(r.status, 403);
    assert.ok(pbx.stats.answered >= 1, 'the accepted call reached the PBX');
    assert.match(r.reason, /not a configured carrier/, 'the unknown_carrier refusal');
  } finally {
    await Promise.all([carrier.close(), stranger.close()]);
  }
});

test('carrier status through the API and `vsip operator carriers status`: registered, then the URIs', async () => {
  const port = await freePort('127.0.0.5');
  const registrar = startSipp({ scenario: 'carrier-registrar.xml', localIp: '127.0.0.5', localPort: port });
  try {
    await portBound(port, '127.0.0.5', 'udp');
    const c = await op.carriers.create({
      name: 'registered',
      uris: [{ uri: `sip:127.0.0.5:${port}` }],
      credentials: { username: 'acme', password: 's3cret' },
      registration: { registrar_uri: `sip:127.0.0.5:${port}`, expires: 120, contact_user: 'vsip-e2e' },
    });
    // The registrar binds for 2 s, then for 30 s once refreshed with the stored password.
    const s = await waitFor(
      async () => {
        const st = await op.carriers.status(c.carrier_sid);
        const exp = Date.parse(st.registration?.expires_at ?? '') - Date.now();
        return st.registration?.state === 'registered' && exp > 10_000 ? st : undefined;
      },
      15_000,
      'the carrier registered and refreshed',
    );
    assert.equal(s.gateway, 'this_process');
    assert.equal(s.registration?.last_result, 200);
    assert.match(s.registration?.contact ?? '', /^sip:vsip-e2e@/);
    assert.deepEqual(
      s.uris.map((u) => [u.uri, u.state]),
      [[`sip:127.0.0.5:${port}`, 'not_probed']],
    );
    const r = await registrar.done;
    assert.equal(r.code, 0, r.output.slice(-3000));

    const byName = await runCli(['operator', 'carriers', 'status', 'registered'], cliEnv);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stdout, /^registration\s+registered$/m);
    assert.match(byName.stdout, /not_probed/);
    const asJson = await runCli(['operator', 'carriers', 'status', c.carrier_sid, '--json'], cliEnv);
    assert.equal(json<{ name: string }>(asJson).name, 'registered');
    const unknown = await runCli(['operator', 'carriers', 'status', 'nobody'], cliEnv);
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(unknown.stderr, /no carrier named or with SID "nobody"/);
  } finally {
    registrar.kill();
  }
});

test('vsip doctor --carrier <name>: each URI, the stored username, the env password, the registration', async () => {
  const auth = { username: 'acme', password: 'doc-pw', realm: 'carrier.example', secret: 's' };
  const uas = await startCarrierUas({ challengeOptions: true, auth });
  try {
    const c = await op.carriers.create({
      name: 'doctored',
      uris: [{ uri: uas.uri('tcp') }, { uri: 'sip:127.0.0.1:9' }],
      credentials: { username: 'acme', password: 'doc-pw' },
      registration: { registrar_uri: uas.uri(), expires: 300, contact_user: 'vsip-doc' },
    });
    await waitFor(
      async () => ((await op.carriers.status(c.carrier_sid)).registration?.state === 'registered' ? true : undefined),
      15_000,
      'the carrier registered',
    );
    const env = { ...cliEnv, VSIP_CARRIER_PASSWORD: 'doc-pw' };
    const r = await runCli(['doctor', '--carrier', 'doctored', '--json', '--timeout', '1500'], env, {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 1, 'the second URI answers nothing');
    assert.doesNotMatch(r.stdout, /doc-pw/);
    type Report = { uri: string; passed: boolean; checks: Array<{ id: string; status: string }> };
    const out = json<{ name: string; passed: boolean; reports: Report[] }>(r);
    const rows = (rep: Report | undefined) => Object.fromEntries((rep?.checks ?? []).map((x) => [x.id, x.status]));
    assert.deepEqual(
      out.reports.map((x) => x.uri),
      [uas.uri('tcp'), 'sip:127.0.0.1:9'],
    );
    assert.equal(rows(out.reports[0]).challenge, 'pass', 'stored username + VSIP_CARRIER_PASSWORD');
    assert.equal(rows(out.reports[0]).registration, 'pass', "the gateway's registration, through the API");
    assert.equal(rows(out.reports[0]).probe, 'skip', 'a carrier without probing has no liveness row to pass');
    assert.equal(rows(out.reports[1]).reachability, 'fail');

    // Without the password the test challenge cannot be answered, and the text says what to set.
    const text = await runCli(['doctor', '--carrier', c.carrier_sid, '--timeout', '1500'], cliEnv, {
      timeoutMs: 30_000,
    });
    assert.match(text.stdout, /set VSIP_CARRIER_PASSWORD/);
    assert.match(text.stdout, /challenge\s+❌/);
  } finally {
    await uas.close();
  }
});
