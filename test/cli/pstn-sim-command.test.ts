import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { startHarness } from '../support/gateway-harness.js';
import { waitFor } from '../support/wait-for.js';

const MAIN = resolve(process.cwd(), 'dist/src/cli/main.js');

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => res({ code, out }));
  });
}

test('vsip pstn-sim call: a first inbound call through the carrier side reaches the PBX destination', async () => {
  const h = await startHarness();
  const pbx = await PstnSim.start({ host: '127.0.0.4', protocols: ['tcp'] });
  try {
    const t = await h.store.createTrunk({
      accountSid: h.accountSid,
      name: 'in',
      nsoCode: 'ANY-ANY',
      domainName: `${h.accountSid}.pstn.exotel.com`,
    });
    await h.store.addPhoneNumber(h.accountSid, t.sid, '+15550002001', 'pstn');
    const port = pbx.addresses()[0]?.port ?? 0;
    await h.store.addDestinationUri(h.accountSid, t.sid, {
      destination: `127.0.0.4:${port};transport=tcp`,
      host: '127.0.0.4',
      port,
      transport: 'tcp',
      priority: 1,
      weight: 1,
    });
    await h.gateway.snapshot.settled();
    const ok = await run([
      'pstn-sim',
      'call',
      '+15550002001',
      '--to',
      `127.0.0.1:${h.carrierSide().port}`,
      '--hold',
      '50',
    ]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /200 OK; hung up after 50 ms \(BYE 200\)/);
    assert.equal(pbx.answered, 1);
    const missing = await run(['pstn-sim', 'call', '+15550002999', '--to', `127.0.0.1:${h.carrierSide().port}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /^404 /m);
  } finally {
    await pbx.close();
    await h.close();
  }
});

test('vsip pstn-sim --help lists the special numbers', async () => {
  const r = await run(['pstn-sim', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /\+15005550101\s+busy \(486\)/);
  assert.match(r.out, /\+15005550105\s+rings forever/);
});

test('vsip pstn-sim logs the audio of each call at its end; vsip pstn-sim call prints audio both ways', async (t) => {
  const carrier = spawn(process.execPath, [MAIN, 'pstn-sim', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  carrier.stdout.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise((r) => carrier.on('close', r));
  t.after(async () => {
    carrier.kill('SIGTERM');
    await exited;
  });
  const port = await waitFor(() => /listening on udp 127\.0\.0\.1:(\d+)/.exec(log)?.[1], 10_000, 'the banner');
  const r = await run(['pstn-sim', 'call', '+14155550170', '--to', `127.0.0.1:${port}`, '--hold', '1000']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /200 OK; hung up after 1000 ms \(BYE 200\)/);
  const mediaLine = new RegExp(
    '^media \\S+@pstn-sim \\+14155550170 ended \\(hangup\\) after [\\d.]+ s on 127\\.0\\.0\\.1:\\d+: ' +
      'sent (\\d+) PCMU packets .*; received (\\d+) packets .*PT 0, lost 0$',
    'm',
  );
  const mine = mediaLine.exec(r.out);
  assert.ok(mine, r.out);
  assert.ok(Number(mine[1]) >= 25 && Number(mine[2]) >= 25, mine[0]);
  assert.doesNotMatch(r.out, /No audio came back/);
  const theirs = await waitFor(
    () =>
      /^media \S+@pstn-sim \+14155550170 ended \(bye\) .*: sent (\d+) PCMU .*; received (\d+) packets/m.exec(log) ??
      undefined,
    5000,
    "the carrier's log line",
  );
  assert.ok(Number(theirs[1]) >= 25 && Number(theirs[2]) >= 25, theirs[0]);
});
