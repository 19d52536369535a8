import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { CLI } from '../support/serve-process.js';
import { SIP_CODES } from '../../src/cli/knowledge/sip-codes.js';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { sendInvite } from '../support/raw-invite.js';
import { json, runCli } from '../support/run-cli.js';
import { runInProcess } from '../support/run-in-process.js';

let srv: CliServer;
before(async () => {
  srv = await startCliServer();
});
after(async () => {
  await srv?.stop();
});

const vsip = (...args: string[]) => runCli(args, srv.env);

test('explain <code> prints meaning, cause and solution for every code the spec lists', async () => {
  // Three through the binary, every one in-process (same code, no start-up cost each).
  for (const code of [100, 403, 606])
    assert.match((await vsip('explain', String(code))).stdout, new RegExp(`^SIP ${code} `));
  const codes = [...SIP_CODES.keys()];
  for (let i = 0; i < codes.length; i += 4) {
    await Promise.all(
      codes.slice(i, i + 4).map(async (code) => {
        const info = SIP_CODES.get(code)!;
        const p = await runInProcess(['explain', String(code)], srv.env);
        const r = { code: p.code, stdout: p.out, stderr: p.err };
        assert.equal(r.code, 0, `${code}: ${r.stderr}`);
        assert.ok(r.stdout.startsWith(`SIP ${code} ${info.meaning} (`), r.stdout);
        if (info.cause) assert.match(r.stdout, new RegExp(`^Cause\\s+${info.cause.replace(/[()/.]/g, '\\$&')}$`, 'm'));
        if (info.solution)
          assert.match(r.stdout, new RegExp(`^Solution\\s+${info.solution.replace(/[()/.]/g, '\\$&')}$`, 'm'));
        if (info.description)
          assert.match(r.stdout, new RegExp(`^Description\\s+${info.description.replace(/[()/.]/g, '\\$&')}$`, 'm'));
      }),
    );
  }
});

test('explain 401/403/no-audio/no-inbound prints the troubleshooting steps; --json gives them as data', async () => {
  const r401 = await vsip('explain', '401');
  assert.match(
    r401.stdout,
    /CHECK 1: Are credentials correct\?\n {2}\$ vsip credentials show <trunk_sid>\n {2}→ Verify username = trunk_sid/,
  );
  assert.match(
    r401.stdout,
    new RegExp(
      'CHECK 2: Is authentication method correct\\?\\n {2}→ Use Digest Authentication \\(not Basic\\)' +
        '\\n {2}→ Realm: pstn\\.exotel\\.com',
    ),
  );
  const r403 = json(await vsip('explain', '403', '--json'));
  assert.equal(r403.cause, 'IP not whitelisted');
  assert.equal(r403.troubleshooting.checks[1].title, 'Is phone number mapped?');
  const audio = await vsip('explain', 'no-audio');
  assert.match(audio.stdout, /SYMPTOM: Call shows connected but one\/both sides have no audio/);
  assert.match(audio.stdout, /→ RTP ports open \(typically 10000-20000 UDP\)/);
  assert.match(audio.stdout, /→ G\.729/);
  const inbound = await vsip('explain', 'no-inbound');
  assert.match(inbound.stdout, /CHECK 3: TLS certificate valid\? \(if using TLS\)\n {2}→ Certificate not expired/);
  const codes = json(await vsip('explain', 'codes', '--json'));
  assert.equal(codes.length, SIP_CODES.size);
  assert.match(
    (await vsip('explain', 'issues')).stdout,
    /TLS handshake failed\s+Certificate issue\s+Check cert validity and chain/,
  );
});

test('explain <cause> explains a call-log cause with the code the gateway answers and the fix', async () => {
  const r = await runInProcess(['explain', 'no_destination'], srv.env);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^no_destination: SIP 480 Temporarily Unavailable/);
  assert.match(r.out, /^Fix\s+Add via Add Destination URI API/m);
  assert.match(r.out, /Troubleshooting: No Inbound Calls Received/);
  const j = JSON.parse((await runInProcess(['explain', 'codec_not_supported', '--json'], srv.env)).out);
  assert.deepEqual([j.code, j.meaning, j.troubleshooting.key], [488, 'Not Acceptable', 'no-audio']);
});

test('explain: an unlisted code gets its class (exit 0); a non-code, non-call is an error (exit 1)', async () => {
  const r = await vsip('explain', '415');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /SIP 415 is not in the vSIP code table; it is a client error \(4xx\) response/);
  const bad = await vsip('explain', '99');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /99 is not a SIP status code/);
  const unknown = await vsip('explain', 'no-such-call@nowhere');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /is not a SIP code, a topic .* or a Call-ID in the call log/);
});

test('calls, calls --failed, explain <call-id> and doctor explain the calls the gateway rejected', async () => {
  const qs = json(
    await vsip(
      'quickstart',
      'termination',
      '--trunk-name',
      'log_trunk',
      '--number',
      '+919800000301',
      '--pbx-ip',
      '127.0.0.1',
      '--json',
      ...srv.gatewayFlags,
    ),
  );
  const sid = qs.trunk.trunk_sid as string;
  const domain = qs.trunk.domain_name as string;
  const fromWrongIp = await sendInvite({
    port: srv.sip.tcp,
    localAddress: '127.0.0.3',
    domain,
    caller: '+919800000301',
    callee: '+15005550199',
  });
  // A stranger at an account's domain is challenged (the same 407 for every account, so a scanner
  // learns none); the call log still says why.
  assert.equal(fromWrongIp.status, 407);
  const unmapped = await sendInvite({
    port: srv.sip.tcp,
    localAddress: '127.0.0.1',
    domain,
    caller: '+919800009999',
    callee: '+15005550199',
  });
  assert.equal(unmapped.status, 403);

  // The gateway writes its call log in batches: wait for both records.
  let calls: Array<{ call_id: string; cause: string }> = [];
  for (let i = 0; i < 50 && calls.length < 2; i++) {
    calls = json(await vsip('calls', sid, '--json'));
    if (calls.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(new Set(calls.map((c) => c.cause)), new Set(['ip_not_whitelisted', 'caller_id_not_mapped']));

  const table = await vsip('calls', sid);
  assert.match(table.stdout, /^STARTED\s+CALL-ID\s+DIRECTION\s+FROM\s+TO\s+CODE\s+CAUSE\s+DURATION$/m);
  assert.match(
    table.stdout,
    new RegExp(
      `${fromWrongIp.callId}\\s+termination\\s+\\+919800000301\\s+\\+15005550199\\s+407\\s+ip_not_whitelisted`,
    ),
  );

  const failed = await vsip('calls', sid, '--failed');
  assert.match(
    failed.stdout,
    new RegExp(
      `${fromWrongIp.callId}: 407 [^\\n]*\\(ip_not_whitelisted\\)\\n  Why: .*not whitelisted.*\\n  Fix: Add your IP ` +
        `using Whitelist IP API: vsip ips add ${sid} 127\\.0\\.0\\.3`,
    ),
  );
  assert.match(
    failed.stdout,
    new RegExp(
      `${unmapped.callId}: 403 Forbidden \\(caller_id_not_mapped\\)[\\s\\S]*Fix: Verify your caller ID is mapped: ` +
        `vsip numbers add ${sid} \\+919800009999`,
    ),
  );

  const one = await vsip('explain', fromWrongIp.callId);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^Source\s+127\.0\.0\.3:\d+ \(tcp\)$/im);
  assert.match(one.stdout, /^Fix\s+Add your IP using Whitelist IP API/m);
  assert.match(one.stdout, /Troubleshooting: 403 Forbidden/);
  const oneJson = json(await vsip('explain', unmapped.callId, '--trunk', sid, '--json'));
  assert.equal(oneJson.call.cause, 'caller_id_not_mapped');
  assert.equal(oneJson.explanation.topic, '403');

  const doc = await vsip('doctor', sid, '--pbx-ip', '127.0.0.1', ...srv.gatewayFlags);
  assert.equal(doc.code, 0, 'failed calls in the log are reported, not a failed check');
  assert.match(doc.stdout, /Recent failed calls \(2\):/);
  assert.match(doc.stdout, /Fix: Add your IP using Whitelist IP API: vsip ips add \S+ 127\.0\.0\.3/);

  // --follow prints new calls as they are logged, one JSON object per line, until Ctrl-C.
  const child = spawn(process.execPath, [CLI, 'calls', sid, '--follow', '--json', '--interval', '100'], {
    env: { PATH: process.env.PATH ?? '', ...srv.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; i < 50 && out.split('\n').filter(Boolean).length < 2; i++)
    await new Promise((r) => setTimeout(r, 100));
  const third = await sendInvite({
    port: srv.sip.tcp,
    localAddress: '127.0.0.4',
    domain,
    caller: '+919800000301',
    callee: '+15005550199',
  });
  for (let i = 0; i < 50 && !out.includes(third.callId); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  const lines = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { call_id: string });
  assert.equal(lines.length, 3, out);
  assert.equal(lines[2]?.call_id, third.callId);
});

test('completion bash: a script that completes commands, sub-commands and options', async () => {
  const r = await vsip('completion', 'bash');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /complete -F _vsip vsip/);
  const complete = (words: string): string => {
    const script =
      `${r.stdout}\nread -ra COMP_WORDS <<< "${words}"; ` +
      `${words.endsWith(' ') ? 'COMP_WORDS+=("");' : ''} COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _vsip; echo ` +
      `"\${COMPREPLY[*]}"`;
    return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim();
  };
  assert.equal(complete('vsip trunks '), 'create list show update delete');
  assert.equal(complete('vsip do'), 'doctor');
  assert.equal(complete('vsip doctor TR1 --dir'), '--direction');
  assert.equal(complete('vsip trunks delete TR1 --y'), '--yes');
  assert.equal((await vsip('completion', 'fish')).code, 1);
});
