import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { startHarness } from '../support/gateway-harness.js';

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
