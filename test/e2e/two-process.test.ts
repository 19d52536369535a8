/**
 * At scale vsip runs `--role api` and `--role sip` processes sharing one PostgreSQL (DESIGN.md);
 * on one host they may share one SQLite file. Either way a change made through the API process
 * must be enforced by the SIP process on the change event, with no restart: LISTEN/NOTIFY on
 * PostgreSQL, the change_log feed on SQLite. Two real `vsip serve` processes and a raw SIP client
 * on its own loopback address.
 */
import { test, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { createAccountCli, serveClient, startServe, tempDir } from '../support/serve-process.js';
import { request } from '../support/sip-message.js';

const PBX_IP = '127.0.0.5';
const CALLER = '+919800000001';
const CALLEE = '+14155550100';

/** An INVITE whose offer has only Opus: once the source is whitelisted the gateway answers 488. */
function invite(domain: string, port: number): Buffer {
  const sdp = [
    'v=0',
    `o=- 1 1 IN IP4 ${PBX_IP}`,
    's=-',
    `c=IN IP4 ${PBX_IP}`,
    't=0 0',
    'm=audio 4000 RTP/AVP 97',
    'a=rtpmap:97 opus/48000/2',
    '',
  ].join('\r\n');
  const uri = `sip:${CALLEE}@${domain}`;
  const from = `<sip:${CALLER}@${domain}>`;
  const callId = randomBytes(8).toString('hex');
  return Buffer.from(
    request({
      method: 'INVITE',
      uri,
      from,
      viaHost: PBX_IP,
      viaPort: port,
      callId,
      contact: `sip:${CALLER}@${PBX_IP}:${port}`,
      body: sdp,
    }),
  );
}

/** Sends one INVITE and resolves with the first final status (>= 200). */
function finalStatus(sock: Socket, domain: string, target: { address: string; port: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.off('message', onMessage);
      reject(new Error('no final response within 2 s'));
    }, 2000);
    const onMessage = (data: Buffer): void => {
      const m = /^SIP\/2\.0 (\d{3})/.exec(data.toString('latin1'));
      if (m && Number(m[1]) >= 200) {
        clearTimeout(timer);
        sock.off('message', onMessage);
        resolve(Number(m[1]));
      }
    };
    sock.on('message', onMessage);
    sock.send(invite(domain, sock.address().port), target.port, target.address);
  });
}

/** One PostgreSQL server for the file, stopped after every test's processes; each test takes a fresh database. */
let pg: TestPostgres | null = null;
after(() => pg?.stop());
async function newPgDatabase(): Promise<string> {
  pg ??= await startPostgres();
  return pg.newDatabase();
}

test(
  'PostgreSQL: a whitelist change through the API process is enforced by the SIP process, without a ' + 'restart',
  async (t) => {
    const url = await newPgDatabase();
    const env = { VSIP_SECRET_KEY: randomBytes(32).toString('hex'), VSIP_DATABASE_URL: url };
    await changeEnforcedAcrossProcesses(t, env, [tempDir(), tempDir(), tempDir()]);
  },
);

test('PostgreSQL: the same with the SIP process running two gateway workers (--sip-workers 2)', async (t) => {
  const url = await newPgDatabase();
  const env = { VSIP_SECRET_KEY: randomBytes(32).toString('hex'), VSIP_DATABASE_URL: url };
  await changeEnforcedAcrossProcesses(t, env, [tempDir(), tempDir(), tempDir()], ['--sip-workers', '2']);
});

test('SQLite: the same with both processes on one database file', async (t) => {
  const dataDir = tempDir();
  await changeEnforcedAcrossProcesses(t, { VSIP_SECRET_KEY: randomBytes(32).toString('hex') }, [
    dataDir,
    dataDir,
    dataDir,
  ]);
});

/**
 * `dirs`: data dirs of the account CLI, the API process and the SIP process; `sipArgs`: more flags for the SIP process.
 */
async function changeEnforcedAcrossProcesses(
  t: TestContext,
  env: Record<string, string>,
  dirs: [string, string, string],
  sipArgs: string[] = [],
): Promise<void> {
  const account = createAccountCli(dirs[0], env);
  const apiNode = await startServe({ dataDir: dirs[1], args: ['--role', 'api'], env });
  after(() => apiNode.stop());
  const sipNode = await startServe({ dataDir: dirs[2], args: ['--role', 'sip', ...sipArgs], env });
  after(() => sipNode.stop());
  assert.equal(apiNode.sip.length, 0, 'the api role runs no SIP listener');
  assert.equal(sipNode.api, null, 'the sip role runs no API');

  const domain = `${account.account_sid}.pstn.exotel.com`;
  const api = serveClient(apiNode, account);
  const { trunk_sid: trunkSid } = await api.trunks.create({
    trunk_name: 'scale',
    nso_code: 'ANY-ANY',
    domain_name: domain,
  });
  await api.phoneNumbers.add(trunkSid, { phone_number: CALLER });

  const udp = sipNode.sip.find((a) => a.side === 'access' && a.protocol === 'udp');
  assert.ok(udp, 'the sip role listens on the access side over UDP');
  const target = { address: '127.0.0.1', port: udp.port };
  const sock = createSocket('udp4');
  after(() => sock.close());
  await new Promise<void>((r) => sock.bind(0, PBX_IP, r));

  // Not whitelisted yet: the 407 every account domain gives a stranger (waiting for the SIP node to answer).
  // The waits below are a safety net, not the measure: nothing reloads the SIP process's snapshot on
  // a timer, so only the change (NOTIFY, the change_log feed) can end them. How soon is reported, not
  // asserted: a busy machine can deschedule either process for longer than any tight bound.
  const WAIT_MS = 10_000;
  const tFirst = Date.now();
  while ((await finalStatus(sock, domain, target)) !== 407) assert.ok(Date.now() - tFirst < WAIT_MS);
  assert.equal(await finalStatus(sock, domain, target), 407);

  await api.whitelistedIps.add(trunkSid, { ip: PBX_IP, mask: 32 });
  const t0 = Date.now();
  let status = 407;
  while (status === 407 && Date.now() - t0 < WAIT_MS) status = await finalStatus(sock, domain, target);
  assert.equal(status, 488, 'past the IP and caller-ID checks, the Opus-only offer is refused');
  t.diagnostic(`whitelist enforced ${Date.now() - t0} ms after the API answered`);

  // And removal is enforced the same way: a deleted trunk stops carrying calls at once.
  await api.trunks.delete(trunkSid);
  const t1 = Date.now();
  status = 488;
  while (status !== 407 && Date.now() - t1 < WAIT_MS) status = await finalStatus(sock, domain, target);
  assert.equal(status, 407);
  t.diagnostic(`trunk deletion enforced ${Date.now() - t1} ms after the API answered`);
}
