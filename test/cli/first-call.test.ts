import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/serve-process.js';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { runCli } from '../support/run-cli.js';
import { freePort } from '../support/ports.js';
import { runSipp, startSipp } from '../support/sipp.js';

/**
 * docs/first-call.md, step by step: the same commands with the ports of a `vsip serve` started on
 * port 0 (the document uses the defaults 8080 / 5060) and the token passed as a flag (the document
 * lets `vsip login` prompt for it).
 */
let srv: CliServer;
let env: Record<string, string>;
before(async () => {
  srv = await startCliServer();
  // Only a config dir: everything after `vsip login` must come from the saved profile.
  env = { XDG_CONFIG_HOME: join(srv.dataDir, 'first-call-xdg') };
});
after(async () => {
  await srv?.stop();
});

const pbx = (scenario: string, dialled: string, domain: string): string[] => [
  `127.0.0.1:${srv.sip.udp}`,
  '-sf',
  join(REPO_ROOT, 'docs/first-call', scenario),
  '-s',
  dialled,
  '-key',
  'caller',
  '+919876543210',
  '-key',
  'domain',
  domain,
  '-i',
  '127.0.0.1',
  '-m',
  '1',
  '-timeout',
  '10s',
  '-timeout_error',
];

test(
  'docs/first-call.md: login, quickstart, doctor, a call through sipp, the call log, a failed call ' + 'explained',
  async () => {
    const { account } = srv;
    // 2. Log in
    const login = await runCli(
      [
        'login',
        '--api-url',
        srv.serve.api ?? '',
        '--account-sid',
        account.account_sid,
        '--api-key',
        account.api_key,
        '--api-token',
        account.api_token,
      ],
      env,
    );
    assert.equal(login.code, 0, login.stderr);

    // 3. Quickstart
    const qs = await runCli(
      [
        'quickstart',
        'termination',
        '--trunk-name',
        'first_trunk',
        '--number',
        '+919876543210',
        '--pbx-ip',
        '127.0.0.1',
        ...srv.gatewayFlags,
      ],
      env,
    );
    assert.equal(qs.code, 0, qs.stderr);
    const sid = /Step 1: Create Trunk\s+✅ (\S+) \(first_trunk\)/.exec(qs.stdout)?.[1] ?? '';
    const domain = `${account.account_sid}.pstn.exotel.com`;
    assert.match(qs.stdout, new RegExp(`^SIP Server\\s+${domain.replace(/\./g, '\\.')}`, 'm'));

    // 4. Doctor
    const doc = await runCli(['doctor', sid, '--pbx-ip', '127.0.0.1', ...srv.gatewayFlags], env);
    assert.equal(doc.code, 0, doc.stdout);

    // 5. The call: sipp as the PBX, the PSTN simulator answers.
    const call = await runSipp({ args: pbx('pbx-call.xml', '+15005550199', domain) });
    assert.equal(call.code, 0, call.output.slice(-3000));

    // 6. The call log shows it completed (the log is written in batches: poll briefly).
    let calls = '';
    for (let i = 0; i < 50 && !/\s200\s+completed\s/.test(calls); i++) {
      calls = (await runCli(['calls', sid], env)).stdout;
      if (!/\s200\s+completed\s/.test(calls)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(calls, /termination\s+\+919876543210\s+\+15005550199\s+200\s+completed\s+\d+\.\ds/);

    // 7. A failed call, explained.
    const busy = await runSipp({ args: pbx('pbx-busy.xml', '+15005550101', domain) });
    assert.equal(busy.code, 0, busy.output.slice(-3000));
    let failed = '';
    for (let i = 0; i < 50 && !failed.includes('486'); i++) {
      failed = (await runCli(['calls', sid, '--failed'], env)).stdout;
      if (!failed.includes('486')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(failed, /: 486 Busy Here \(busy\)\n {2}Why: Destination is busy\n {2}Fix: User is on another call/);
    const callId = /^(\S+): 486 Busy Here/m.exec(failed)?.[1] ?? '';
    const explained = await runCli(['explain', callId], env);
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, /^Result\s+486 Busy Here$/m);
    assert.match(explained.stdout, /^Sent to\s+\S+/m);
  },
);

test(
  'docs/first-call.md step 8: origination quickstart to sipp as the server, doctor passes, an inbound call ' +
    'completes',
  async () => {
    // VSIP_* variables instead of the profile, so this test stands on its own.
    const port = await freePort();
    // The document's sipp line, without -bg so the test owns the process; port chosen free.
    const uas = startSipp({
      args: [
        '-sf',
        join(REPO_ROOT, 'docs/first-call/pbx-answer.xml'),
        '-t',
        't1',
        '-i',
        '127.0.0.1',
        '-p',
        String(port),
        '-aa',
      ],
    });
    try {
      let qs = await runCli(
        [
          'quickstart',
          'origination',
          '--trunk-name',
          'first_inbound',
          '--number',
          '+911800123456',
          '--destination',
          `127.0.0.1:${port};transport=tcp`,
        ],
        srv.env,
      );
      assert.equal(qs.code, 0, qs.stderr);
      const sid = /Step 1: Create Trunk\s+✅ (\S+) \(first_inbound\)/.exec(qs.stdout)?.[1] ?? '';
      // sipp needs a moment to listen.
      let doc = await runCli(['doctor', sid, '--direction', 'origination'], srv.env);
      for (let i = 0; i < 20 && doc.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        doc = await runCli(['doctor', sid, '--direction', 'origination'], srv.env);
      }
      assert.equal(doc.code, 0, doc.stdout);
      assert.match(doc.stdout, /answered 200 OK/);
      qs = await runCli(['destinations', 'list', sid], srv.env);
      assert.match(qs.stdout, new RegExp(`127\\.0\\.0\\.1:${port};transport=tcp`));

      // The inbound call itself: the PSTN simulator dials the number through the carrier side.
      const call = await runCli(
        ['pstn-sim', 'call', '+911800123456', '--to', `127.0.0.1:${srv.sip.carrierUdp}`, '--hold', '200'],
        srv.env,
      );
      assert.equal(call.code, 0, call.stdout + call.stderr);
      assert.match(call.stdout, /200 OK; hung up after 200 ms \(BYE 200\)/);
      let calls = await runCli(['calls', sid, '--json'], srv.env);
      for (let i = 0; i < 20 && !calls.stdout.includes('completed'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        calls = await runCli(['calls', sid, '--json'], srv.env);
      }
      const rows = JSON.parse(calls.stdout) as Array<{ direction: string; final_code: number; cause: string }>;
      assert.ok(
        rows.some((c) => c.direction === 'origination' && c.final_code === 200 && c.cause === 'completed'),
        calls.stdout,
      );
    } finally {
      uas.kill();
    }
  },
);
