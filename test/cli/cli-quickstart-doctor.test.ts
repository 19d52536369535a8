import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { serveClient, tempDir } from '../support/serve-process.js';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { makeCa, makeLeaf, makeSelfSigned } from '../support/make-certs.js';
import { json, runCli } from '../support/run-cli.js';
import { CLOSED_PORT, freePort } from '../support/ports.js';
import { startSipResponder, type Responder } from '../support/sip-responder.js';
import { RegisteringPbx } from '../support/registering-pbx.js';
import { startHarness } from '../support/gateway-harness.js';

let srv: CliServer;
const certDir = tempDir('vsip-cli-certs-');
const ca = makeCa(certDir);
const goodCert = makeLeaf(certDir, 'good', ca, 'IP:127.0.0.1', 30);
const expiredCert = makeLeaf(certDir, 'expired', ca, 'IP:127.0.0.1', -1);
const wrongNameCert = makeLeaf(certDir, 'wrong', ca, 'DNS:pbx.wrong.example', 30);
const selfSignedCert = makeSelfSigned(certDir, 'self', 'IP:127.0.0.1');
const responders: Responder[] = [];

before(async () => {
  // The test PBX registers and closes its connection: a keep-alive ping would find the flow gone
  // and drop the binding (RFC 5626 §4.4) at a moment that depends on the machine's speed.
  srv = await startCliServer({ VSIP_SIP_KEEPALIVE_INTERVAL: '0' });
});
after(async () => {
  await Promise.all(responders.map((r) => r.close()));
  await srv?.stop();
  rmSync(certDir, { recursive: true, force: true });
});

const vsip = (...args: string[]) => runCli(args, srv.env);
const responder = async (opts: Parameters<typeof startSipResponder>[0]): Promise<Responder> => {
  const r = await startSipResponder(opts);
  responders.push(r);
  return r;
};

/** The checklist row `n` of a human doctor report, and the fix line under it (if any). */
function row(out: string, n: number): { line: string; fix: string | null } {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^${n}\\s{2}`).test(l));
  assert.ok(i >= 0, `no row ${n} in:\n${out}`);
  const next = lines[i + 1] ?? '';
  return { line: lines[i] ?? '', fix: next.startsWith('   ↳ Fix: ') ? next.slice('   ↳ Fix: '.length) : null };
}

test(
  'quickstart termination prints the filled-in "Configure Your PBX" table and an Asterisk snippet; doctor then ' +
    'passes',
  async () => {
    const qs = await vsip(
      'quickstart',
      'termination',
      '--trunk-name',
      'qs_term',
      '--number',
      '+919800000101',
      '--pbx-ip',
      '127.0.0.1',
      '--pbx',
      'asterisk',
      ...srv.gatewayFlags,
    );
    assert.equal(qs.code, 0, qs.stderr);
    const sid = /Step 1: Create Trunk\s+✅ (\S+) \(qs_term\)/.exec(qs.stdout)?.[1] ?? '';
    assert.ok(sid, qs.stdout);
    assert.match(qs.stdout, /Step 2: Map Phone Number\s+✅ \+919800000101/);
    assert.match(qs.stdout, /Step 3: Whitelist IP\s+✅ 127\.0\.0\.1\/32/);
    const password = json(await vsip('credentials', 'show', sid, '--json')).password as string;
    assert.match(
      qs.stdout,
      new RegExp(
        `^SIP Server\\s+${srv.account.account_sid}\\.pstn\\.exotel\\.com  \\(vsip gateway at 127\\.0\\.0\\.1\\)$`,
        'm',
      ),
    );
    assert.match(qs.stdout, new RegExp(`^Port\\s+${srv.sip.tcp} \\(TCP\\) or ${srv.sip.tls} \\(TLS\\)$`, 'm'));
    assert.match(qs.stdout, new RegExp(`^Username\\s+${sid}$`, 'm'));
    assert.match(qs.stdout, new RegExp(`^Password\\s+${password}$`, 'm'));
    assert.match(qs.stdout, /^Caller ID\s+\+919800000101$/m);
    for (const section of ['[vsip-auth]', '[vsip-aor]', '[vsip]', '[vsip-identify]', '[vsip-registration]'])
      assert.ok(qs.stdout.includes(section), section);
    assert.ok(qs.stdout.includes(`username=${sid}\npassword=${password}\nrealm=pstn.exotel.com`));
    assert.ok(qs.stdout.includes(`server_uri=sip:127.0.0.1:${srv.sip.tcp};transport=tcp`));
    assert.match(qs.stdout, /^match=127\.0\.0\.1$/m);
    const hint = new RegExp(
      `vsip doctor ${sid} --pbx-ip 127\\.0\\.0\\.1 --gateway 127\\.0\\.0\\.1 --sip-port ${srv.sip.tcp} --sips-port ` +
        `${srv.sip.tls}`,
    );
    assert.match(qs.stdout, hint);

    const doc = await vsip('doctor', sid, '--pbx-ip', '127.0.0.1', ...srv.gatewayFlags);
    assert.equal(doc.code, 0, doc.stdout + doc.stderr);
    for (const n of [1, 2, 3, 4, 6]) assert.match(row(doc.stdout, n).line, /✅/, `row ${n}`);
    assert.match(row(doc.stdout, 4).line, /accepted by the gateway/);
    assert.match(row(doc.stdout, 5).line, /➖.*registration is not enabled/);
    assert.match(
      row(doc.stdout, 6).line,
      new RegExp(`TCP 127\\.0\\.0\\.1:${srv.sip.tcp} open.*TLS 127\\.0\\.0\\.1:${srv.sip.tls} handshake`),
    );
    assert.match(doc.stdout, /✅ All checks passed: ready for your first outbound call\./);

    const asJson = json(await vsip('doctor', sid, '--pbx-ip', '127.0.0.1', '--json', ...srv.gatewayFlags));
    assert.equal(asJson.passed, true);
    assert.deepEqual(
      asJson.checks.map((c: { id: string }) => c.id),
      ['trunk', 'number', 'ip', 'credentials', 'registration', 'gateway'],
    );
  },
);

test(
  'GET /health lists the SIP listeners; doctor and quickstart take the ports from it when no --sip-port is ' + 'given',
  async () => {
    const health = await serveClient(srv.serve, srv.account).health();
    assert.equal(health.role, 'all');
    assert.ok(health.sip, 'GET /health lists the SIP listeners');
    const access = health.sip.filter((l) => l.side === 'access');
    assert.deepEqual(
      access.map((l) => [l.protocol, l.port]).sort(),
      [
        ['tcp', srv.sip.tcp],
        ['tls', srv.sip.tls],
        ['udp', srv.sip.udp],
      ].sort(),
    );
    assert.ok(health.sip.some((l) => l.side === 'carrier' && l.port === srv.sip.carrierUdp));

    const qs = await vsip(
      'quickstart',
      'termination',
      '--trunk-name',
      'qs_health',
      '--number',
      '+919800000199',
      '--pbx-ip',
      '127.0.0.1',
      '--gateway',
      '127.0.0.1',
    );
    assert.equal(qs.code, 0, qs.stderr);
    assert.match(qs.stdout, new RegExp(`^Port\\s+${srv.sip.tcp} \\(TCP\\) or ${srv.sip.tls} \\(TLS\\)$`, 'm'));
    const sid = /Step 1: Create Trunk\s+✅ (\S+) \(qs_health\)/.exec(qs.stdout)?.[1] ?? '';
    const doc = await vsip('doctor', sid, '--pbx-ip', '127.0.0.1', '--gateway', '127.0.0.1');
    assert.match(
      row(doc.stdout, 6).line,
      new RegExp(`✅.*TCP 127\\.0\\.0\\.1:${srv.sip.tcp} open.*TLS 127\\.0\\.0\\.1:${srv.sip.tls} handshake`),
      doc.stdout,
    );
    // An explicit flag still wins over what /health says.
    const closed = String(CLOSED_PORT);
    const forced = await vsip('doctor', sid, '--pbx-ip', '127.0.0.1', '--gateway', '127.0.0.1', '--sip-port', closed);
    assert.match(row(forced.stdout, 6).line, new RegExp(`❌.*TCP 127\\.0\\.0\\.1:${closed}`), forced.stdout);
  },
);

test('quickstart --json with a FreeSWITCH gateway; missing flags without a TTY fail clearly', async () => {
  const r = await vsip(
    'quickstart',
    'termination',
    '--trunk-name',
    'qs_fs',
    '--number',
    '+919800000102',
    '--pbx-ip',
    '127.0.0.1',
    '--pbx',
    'freeswitch',
    '--json',
    ...srv.gatewayFlags,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = json(r);
  assert.equal(out.pbx.username, out.trunk.trunk_sid);
  assert.equal(out.pbx.sip_server, `${srv.account.account_sid}.pstn.exotel.com`);
  assert.deepEqual(
    [out.pbx.port_tcp, out.pbx.port_tls, out.pbx.caller_id],
    [srv.sip.tcp, srv.sip.tls, '+919800000102'],
  );
  assert.match(out.snippet.text, /<gateway name="vsip">/);
  assert.ok(out.snippet.text.includes(`<param name="password" value="${out.pbx.password}"/>`));
  const missing = await vsip('quickstart', 'origination', '--trunk-name', 'qs_x');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing --number, --destination \(stdin is not a terminal/);
});

test("doctor (termination) fails on each missing piece with the spec's fix", async () => {
  const noNumber = json(await vsip('trunks', 'create', 'dr_nonum', '--json')).trunk_sid as string;
  await vsip('ips', 'add', noNumber, '127.0.0.1');
  const a = await vsip('doctor', noNumber, ...srv.gatewayFlags);
  assert.equal(a.code, 1);
  assert.match(row(a.stdout, 2).line, /❌.*no phone number mapped/);
  assert.equal(
    row(a.stdout, 2).fix,
    `Map your phone number with the Map Phone Number API: vsip numbers add ${noNumber} +919XXXXXXXXX (E.164)`,
  );
  assert.match(a.stdout, /❌ 1 of 6 checks failed/);

  const noIp = json(await vsip('trunks', 'create', 'dr_noip', '--json')).trunk_sid as string;
  await vsip('numbers', 'add', noIp, '+919800000103');
  const b = await vsip('doctor', noIp, '--pbx-ip', '127.0.0.1', ...srv.gatewayFlags);
  assert.equal(b.code, 1);
  assert.match(row(b.stdout, 3).line, /❌.*no whitelisted IP/);
  assert.equal(
    row(b.stdout, 3).fix,
    `Add your IP using Whitelist IP API: vsip ips add ${noIp} 127.0.0.1 --mask 32 (if NAT, whitelist your ` +
      `external/public IP)`,
  );

  // A trunk that authenticates by credentials only does not need a whitelisted IP.
  await vsip('trunks', 'update', noIp, '--auth-type', 'credentials');
  assert.match(row((await vsip('doctor', noIp, ...srv.gatewayFlags)).stdout, 3).line, /➖.*auth_type credentials/);
  await vsip('trunks', 'update', noIp, '--auth-type', 'ip_whitelist');

  await vsip('ips', 'add', noIp, '127.0.0.2');
  const c = await vsip('doctor', noIp, '--pbx-ip', '127.0.0.3', '--json', ...srv.gatewayFlags);
  assert.equal(c.code, 1);
  const ipRow = json(c).checks.find((x: { id: string }) => x.id === 'ip');
  assert.equal(ipRow.status, 'fail');
  assert.match(ipRow.detail, /PBX IP 127\.0\.0\.3 is not inside any whitelisted range \(127\.0\.0\.2\/32\)/);
  assert.match(ipRow.fix, /vsip ips add \S+ 127\.0\.0\.3 --mask 32/);

  const missing = await vsip('doctor', 'trnope0000', ...srv.gatewayFlags);
  assert.equal(missing.code, 1);
  assert.match(row(missing.stdout, 1).line, /❌.*no trunk trnope0000/);
  assert.match(row(missing.stdout, 1).fix ?? '', /Create Trunk API: vsip trunks create/);
  for (const n of [2, 3, 4, 5, 6]) assert.match(row(missing.stdout, n).line, /➖/);

  const closed = String(CLOSED_PORT);
  const d = await vsip(
    'doctor',
    noIp,
    '--pbx-ip',
    '127.0.0.2',
    '--gateway',
    '127.0.0.1',
    '--sip-port',
    closed,
    '--sips-port',
    closed,
  );
  assert.equal(d.code, 1);
  assert.match(row(d.stdout, 6).line, /❌.*connection refused/);
  assert.match(row(d.stdout, 6).fix ?? '', /Check port 5060\/5061 connectivity/);
  assert.match(row(d.stdout, 5).line, /➖.*not reachable/);
});

test(
  'doctor row 5 (PBX configured): ❌ while registration is enabled and no PBX registered, ✅ once one ' + 'is',
  async (t) => {
    const qs = json(
      await vsip(
        'quickstart',
        'termination',
        '--trunk-name',
        'dr_reg',
        '--number',
        '+919800000111',
        '--pbx-ip',
        '127.0.0.1',
        '--json',
        ...srv.gatewayFlags,
      ),
    );
    const sid = qs.trunk.trunk_sid as string;
    assert.equal((await vsip('trunks', 'update', sid, '--registration', 'on')).code, 0);
    const before = await vsip('doctor', sid, ...srv.gatewayFlags);
    assert.equal(before.code, 1);
    assert.match(row(before.stdout, 5).line, /❌.*credentials work, but no PBX is registered/);
    assert.match(row(before.stdout, 5).fix ?? '', /Configure Your PBX/);

    // A PBX that stays connected and answers the gateway's OPTIONS keep-alives, as a real one does:
    // one that hung up its connection would lose its binding at the next ping (30 s, less than this
    // test can take on a busy machine).
    const pbx = await RegisteringPbx.open('127.0.0.1', 'tcp');
    t.after(() => pbx.close());
    const reg = await pbx.register(
      {
        gateway: { protocol: 'tcp', address: '127.0.0.1', port: srv.sip.tcp },
        accountSid: srv.account.account_sid,
        trunk: sid,
        password: qs.pbx.password,
      },
      { contact: '<sip:pbx@127.0.0.1:5090;transport=tcp>' },
    );
    assert.equal(reg.status, 200);
    assert.equal(qs.trunk.domain_name, `${srv.account.account_sid}.pstn.exotel.com`);
    const after = await vsip('doctor', sid, ...srv.gatewayFlags);
    assert.equal(after.code, 0, after.stdout);
    // Where the REGISTER came from and over what, from GET …/registrations (the registrar's 200 lists Contacts only).
    assert.match(
      row(after.stdout, 5).line,
      /✅.*registered from 127\.0\.0\.1:\d+ over TCP, expires in \d+ s \(sip:pbx@127\.0\.0\.1:5090;transport=tcp\)/,
    );
    const regs = json(await vsip('registrations', sid, '--json')) as Array<Record<string, unknown>>;
    assert.equal(regs.length, 1);
    assert.equal(regs[0]?.contact, 'sip:pbx@127.0.0.1:5090;transport=tcp');
    assert.equal(regs[0]?.transport, 'tcp');
    assert.equal(regs[0]?.received_ip, '127.0.0.1');
    assert.ok((regs[0]?.expires_in as number) > 200);
    const table = await vsip('registrations', sid);
    assert.match(table.stdout, /sip:pbx@127\.0\.0\.1:5090;transport=tcp +127\.0\.0\.1:\d+ +TCP +\d+ s/);

    // A rotated password: the PBX's registration stays until it expires, but doctor now uses the new
    // one and the gateway accepts it.
    await vsip('credentials', 'rotate', sid, '--yes');
    assert.equal((await vsip('doctor', sid, ...srv.gatewayFlags)).code, 0);
  },
);

test('quickstart origination to a TLS destination with a valid certificate; doctor passes with --ca', async () => {
  const pbx = await responder({ tls: goodCert });
  const dest = `127.0.0.1:${pbx.port};transport=tls`;
  const qs = await vsip(
    'quickstart',
    'origination',
    '--trunk-name',
    'qs_orig',
    '--number',
    '+919800000201',
    '--destination',
    dest,
    ...srv.gatewayFlags,
  );
  assert.equal(qs.code, 0, qs.stderr);
  assert.match(qs.stdout, new RegExp(`Step 3: Add Destination URI\\s+✅ 127\\.0\\.0\\.1:${pbx.port};transport=tls`));
  assert.match(qs.stdout, /Test Inbound Call — call \+919800000201/);
  const sid = /Step 1: Create Trunk\s+✅ (\S+)/.exec(qs.stdout)?.[1] ?? '';
  const doc = await vsip('doctor', sid, '--direction', 'origination', '--ca', ca.certFile);
  assert.equal(doc.code, 0, doc.stdout + doc.stderr);
  assert.match(row(doc.stdout, 4).line, /✅/);
  assert.match(row(doc.stdout, 5).line, /✅.*answered 200/);
  assert.match(row(doc.stdout, 6).line, /✅.*valid until/);
  assert.match(doc.stdout, /ready for your first inbound call/);
  assert.ok(pbx.received >= 1, 'the destination got an OPTIONS');
  // Without --direction: destinations and no whitelisted IP mean the origination checklist.
  const guessed = await vsip('doctor', sid, '--ca', ca.certFile);
  assert.equal(guessed.code, 0, guessed.stdout);
  assert.match(guessed.stdout, /For Origination \(Inbound\)/);
});

/** An origination trunk whose only destination is `dest`; returns the doctor run. */
async function originationDoctor(name: string, dest: string, ...extra: string[]) {
  const sid = json(await vsip('trunks', 'create', name, '--json')).trunk_sid as string;
  await vsip('numbers', 'add', sid, `+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`);
  if (dest) assert.equal((await vsip('destinations', 'add', sid, dest)).code, 0);
  return vsip('doctor', sid, '--direction', 'origination', '--timeout', '1000', ...extra);
}

test('doctor (origination) fails for a destination that refuses connections, with the nc hint', async () => {
  const port = await freePort();
  const r = await originationDoctor('dr_refused', `127.0.0.1:${port};transport=tcp`);
  assert.equal(r.code, 1);
  assert.match(row(r.stdout, 4).line, /❌.*connection refused/);
  assert.equal(
    row(r.stdout, 4).fix,
    `Firewall allows inbound on 5060/5061; server is listening on correct port (test: nc -zv 127.0.0.1 ${port})`,
  );
  assert.match(row(r.stdout, 5).line, /➖/);
});

test('doctor (origination) fails for expired, mismatched and untrusted TLS certificates', async () => {
  const cases: Array<[string, typeof goodCert, string[], RegExp]> = [
    ['dr_expired', expiredCert, ['--ca', ca.certFile], /❌.*Certificate expired on/],
    [
      'dr_mismatch',
      wrongNameCert,
      ['--ca', ca.certFile],
      /❌.*does not match 127\.0\.0\.1 \(certificate is for DNS:pbx\.wrong\.example\)/,
    ],
    ['dr_selfsigned', selfSignedCert, [], /❌.*not trusted: self-signed/],
  ];
  for (const [name, cert, extra, expected] of cases) {
    const pbx = await responder({ tls: cert });
    const r = await originationDoctor(name, `127.0.0.1:${pbx.port};transport=tls`, ...extra);
    assert.equal(r.code, 1, `${name}: ${r.stdout}`);
    assert.match(row(r.stdout, 6).line, expected, name);
    assert.match(
      row(r.stdout, 6).fix ?? '',
      /certificate not expired, certificate chain complete, Common Name matches server/,
    );
    assert.match(row(r.stdout, 4).line, /✅/, `${name}: the port itself is open`);
  }
});

test('doctor (origination) fails when the destination never answers OPTIONS, and when there is none', async () => {
  const silent = await responder({ silent: true });
  const r = await originationDoctor('dr_silent', `127.0.0.1:${silent.port};transport=tcp`, '--json');
  assert.equal(r.code, 1);
  const report = json(r);
  const ping = report.checks.find((c: { id: string }) => c.id === 'sip-options');
  assert.equal(ping.status, 'fail');
  assert.match(ping.detail, /no answer to OPTIONS within 1000 ms/);
  assert.match(ping.fix, /answer SIP on the destination URI/);
  assert.equal(report.passed, false);

  const none = await originationDoctor('dr_nodest', '');
  assert.equal(none.code, 1);
  assert.match(row(none.stdout, 3).line, /❌.*no destination URI/);
  assert.match(
    row(none.stdout, 3).fix ?? '',
    /Add via Add Destination URI API: vsip destinations add \S+ "<your_server_ip>:5061;transport=tls"/,
  );
});

test("quickstart --region: the trunk's edge_preference picks that region's published gateway addresses", async () => {
  // A second SIP node, region singapore, on the same database as the CLI's server (region default).
  const sg = await startHarness({ dataDir: srv.dataDir, flags: { region: 'singapore', sipAdvertise: '127.0.0.5' } });
  try {
    const qs = await vsip(
      'quickstart',
      'termination',
      '--trunk-name',
      'qs_sg',
      '--number',
      '+919800000131',
      '--pbx-ip',
      '127.0.0.1',
      '--region',
      'singapore',
    );
    assert.equal(qs.code, 0, qs.stderr);
    assert.match(qs.stdout, /\(vsip gateway at 127\.0\.0\.5\)$/m);
    assert.match(
      qs.stdout,
      new RegExp(`^Port\\s+${sg.access('tcp').port} \\(TCP\\) or ${sg.access('tls').port} \\(TLS\\)$`, 'm'),
    );
    const sid = /Step 1: Create Trunk\s+✅ (\S+) \(qs_sg\)/.exec(qs.stdout)?.[1] ?? '';
    assert.equal(json(await vsip('trunks', 'show', sid, '--json')).edge_preference, 'singapore');
    const unknown = await vsip(
      'quickstart',
      'termination',
      '--trunk-name',
      'qs_x',
      '--number',
      '+919800000132',
      '--pbx-ip',
      '127.0.0.1',
      '--region',
      'atlantis',
    );
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr + unknown.stdout, /edge_preference: "atlantis" is not a known region/);
  } finally {
    await sg.close();
  }
});
