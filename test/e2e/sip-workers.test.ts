/**
 * `vsip serve --sip-workers 2`: two gateway processes behind the same SIP ports. Calls from one
 * PBX socket (many Call-IDs) are spread over both workers and every one completes — INVITE, ACK
 * and BYE of a call reach the worker that holds it, over UDP (steered by Call-ID, with packet loss
 * forcing retransmissions), TCP and CANCEL; a configuration change reaches both workers; /metrics
 * adds up both workers; SIGTERM stops everything.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  createAccountCli,
  serveClient,
  startServe,
  tempDir,
  type AccountJson,
  type ServeProcess,
} from '../support/serve-process.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import type { VsipClient } from '../../src/client/index.js';

const CALLER = '+919800000071';
let vsip: ServeProcess;
let account: AccountJson;
let trunkSid: string;
let domain: string;
let api: VsipClient;

before(async () => {
  const dataDir = tempDir();
  const env = { VSIP_SECRET_KEY: randomBytes(32).toString('hex') };
  account = createAccountCli(dataDir, env);
  // No API rate limit: the call-log checks below poll.
  vsip = await startServe({ dataDir, args: ['--sip-workers', '2', '--rate-limit', '0'], env });
  domain = `${account.account_sid}.pstn.exotel.com`;
  api = serveClient(vsip, account);
  trunkSid = (await api.trunks.create({ trunk_name: 'workers', nso_code: 'ANY-ANY', domain_name: domain })).trunk_sid;
  await api.phoneNumbers.add(trunkSid, { phone_number: CALLER });
  await api.whitelistedIps.add(trunkSid, { ip: '127.0.0.2', mask: 32 });
});
after(async () => {
  if (vsip?.child.exitCode === null) await vsip.stop();
});

const access = (protocol: 'udp' | 'tcp'): string => {
  const a = vsip.sip.find((s) => s.side === 'access' && s.protocol === protocol);
  assert.ok(a, `an access ${protocol} listener`);
  return `127.0.0.1:${a.port}`;
};

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${vsip.api}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

async function completedCalls(): Promise<number> {
  const page = await api.calls.list(trunkSid, { result: 'completed', pageSize: 1 });
  return page.metadata.total as number;
}

test('banner and /health: two worker processes, the listeners of one gateway', async () => {
  assert.match(vsip.output(), /SIP workers 2 processes \(pids \d+, \d+\)/);
  // The worker that does not read the shared UDP port stops reading it without dgram's deprecated `_handle`.
  assert.doesNotMatch(vsip.output(), /DeprecationWarning/);
  const health = (await (await fetch(`${vsip.api}/health`)).json()) as {
    sip: Array<{ side: string; protocol: string }>;
  };
  assert.deepEqual(health.sip.map((s) => `${s.side}/${s.protocol}`).sort(), [
    'access/tcp',
    'access/tls',
    'access/udp',
    'carrier/tcp',
    'carrier/udp',
    'pstn-sim/udp',
  ]);
});

test(
  'UDP: 200 calls from one PBX socket with 5 % loss all complete; both workers carry them (datagrams ' + 'steered)',
  async () => {
    const before = await completedCalls();
    const r = await runSipp({
      scenario: 'pbx-call.xml',
      remote: access('udp'),
      localIp: '127.0.0.2',
      service: '+14155550100',
      keys: { caller: CALLER, host: domain },
      calls: 200,
      rate: 100,
      extra: ['-lost', '5'],
      timeoutSeconds: 60,
    });
    assert.equal(r.code, 0, r.output.slice(-3000));
    assert.match(r.output, /Successful call\s+\|\s+\d+\s+\|\s+200\s/);
    // Each BYE reaches the worker holding its call: sipp re-sends it until the BYE's own 200
    // (pbx-call.xml). A call whose 200 was never ACKed is ended by the PSTN simulator's BYE 64 × T1 =
    // 32 s after its 200 (RFC 3261 §13.3.1.4), relayed to the PBX through the worker holding the call.
    const t0 = Date.now();
    while ((await completedCalls()) < before + 200) {
      assert.ok(Date.now() - t0 < 90_000, `call log: ${(await completedCalls()) - before} of 200 completed`);
      await new Promise((res) => setTimeout(res, 250));
    }
    // Half the Call-IDs belong to the worker that does not read the shared port: their INVITEs were handed over.
    const steered = await metric('vsip_sip_steered_datagrams_total{direction="in"');
    assert.ok(steered >= 50, `steered datagrams: ${steered}`);
    assert.ok(
      (await metric('vsip_sip_calls_total{direction="termination",code="200"')) >= 200,
      '/metrics adds up both workers',
    );
  },
);

test('TCP and CANCEL through the workers', async () => {
  const tcp = await runSipp({
    scenario: 'pbx-call.xml',
    remote: access('tcp'),
    transport: 'tcp',
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { caller: CALLER, host: domain },
    calls: 20,
    rate: 20,
  });
  assert.equal(tcp.code, 0, tcp.output.slice(-3000));
  // +15005550105 rings and never answers: the PBX cancels, 487 comes back through the worker holding the call.
  const cancel = await runSipp({
    scenario: 'pbx-cancel.xml',
    remote: access('udp'),
    localIp: '127.0.0.2',
    service: '+15005550105',
    keys: { caller: CALLER, host: domain },
    calls: 20,
    rate: 20,
  });
  assert.equal(cancel.code, 0, cancel.output.slice(-3000));
});

test('a whitelist removed through the API is enforced by both workers within 500 ms', async () => {
  const list = await api.whitelistedIps.list(trunkSid);
  await api.whitelistedIps.remove(trunkSid, String(list.items[0]?.id));
  await new Promise((res) => setTimeout(res, 500));
  // 20 calls with 20 Call-IDs land on both workers: every one is challenged like any stranger's.
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', 407),
    remote: access('udp'),
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { caller: CALLER, host: domain, codecs: '0', maxfwd: '70' },
    calls: 20,
    rate: 50,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  assert.match(r.output, /Successful call\s+\|\s+\d+\s+\|\s+20\s/);
});

test('a worker killed with SIGKILL is started again, and calls go through both workers afterwards', async () => {
  const pid = Number(/SIP workers 2 processes \(pids \d+, (\d+)\)/.exec(vsip.output())?.[1]);
  const readyLines = (): number =>
    vsip
      .output()
      .split('\n')
      .filter((l) => l.includes('SIP worker ready')).length;
  const before = readyLines();
  process.kill(pid, 'SIGKILL');
  const t0 = Date.now();
  while (readyLines() === before) {
    assert.ok(Date.now() - t0 < 60_000, `no worker restarted:\n${vsip.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(vsip.output(), /SIP worker exited; starting it again/);
  await api.whitelistedIps.add(trunkSid, { ip: '127.0.0.2', mask: 32 });
  await new Promise((res) => setTimeout(res, 300));
  const steered = await metric('vsip_sip_steered_datagrams_total{direction="out"');
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: access('udp'),
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { caller: CALLER, host: domain },
    calls: 50,
    rate: 50,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  assert.ok(
    (await metric('vsip_sip_steered_datagrams_total{direction="out"')) > steered,
    'calls were handed to the new worker',
  );
});

test('SIGTERM: the serve process stops its workers and exits 0', async () => {
  const pids = [...vsip.output().matchAll(/"pid":(\d+)[^\n]*SIP worker ready/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 3, 'two workers, one of them started twice');
  assert.equal(await vsip.stop(), 0, vsip.output().slice(-2000));
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
});

test('Ctrl-C (SIGINT to the process group): the serve process and its workers exit 0, none left behind', async () => {
  const serve = await startServe({
    dataDir: tempDir(),
    args: ['--role', 'sip', '--sip-workers', '2'],
    ownProcessGroup: true,
  });
  try {
    const banner = /SIP workers 2 processes \(pids (\d+), (\d+)\)/.exec(serve.output());
    assert.ok(banner, serve.output().slice(-2000));
    const pids = [Number(banner[1]), Number(banner[2])];
    assert.equal(await serve.interrupt(), 0, serve.output().slice(-2000));
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
  } finally {
    // A failed check must not leave the process group running (the file would never exit).
    try {
      if (serve.child.pid !== undefined) process.kill(-serve.child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone, as it should be
    }
  }
});
