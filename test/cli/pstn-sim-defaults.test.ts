import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { CLOSED_PORT } from '../support/ports.js';
import { runCli } from '../support/run-cli.js';

/** Well under the 32 s an INVITE waits (timer B) when nothing answers: the CLI checks first. */
const FAST_MS = 15_000;

describe('vsip pstn-sim call finds the running gateway', () => {
  let srv: CliServer;
  before(async () => {
    srv = await startCliServer();
  });
  after(() => srv.stop());

  test("without --to: the carrier side the API's /health lists (profile URL), UDP and TCP", async () => {
    // +15550009999 is mapped to no trunk: the gateway answers 404, which proves the call reached it.
    const udp = await runCli(['pstn-sim', 'call', '+15550009999', '--hold', '50'], srv.env);
    assert.match(udp.stdout, new RegExp(`calling \\+15550009999 via 127\\.0\\.0\\.1:${srv.sip.carrierUdp} \\(udp\\)`));
    assert.match(udp.stdout, /^404 /m);
    assert.equal(udp.code, 1);
    const tcp = await runCli(['pstn-sim', 'call', '+15550009999', '--transport', 'tcp'], srv.env);
    assert.match(tcp.stdout, new RegExp(`via 127\\.0\\.0\\.1:${srv.sip.carrierTcp} \\(tcp\\)`));
    assert.match(tcp.stdout, /^404 /m);
  });

  test('with --ready-file: the carrier side that vsip serve --ready-file wrote', async () => {
    const file = join(srv.dataDir, 'ready-copy.json');
    writeFileSync(file, JSON.stringify({ sip: srv.serve.sip }));
    const r = await runCli(['pstn-sim', 'call', '+15550009999', '--ready-file', file], {});
    assert.match(r.stdout, new RegExp(`via 127\\.0\\.0\\.1:${srv.sip.carrierUdp} \\(udp\\)`));
    assert.match(r.stdout, /^404 /m);
  });
});

describe('vsip pstn-sim call with nothing listening', () => {
  test('fails in seconds with what to do, over UDP and TCP, from --to and from a ready file', async () => {
    const closed = CLOSED_PORT;
    for (const transport of ['udp', 'tcp']) {
      const started = Date.now();
      const r = await runCli(
        ['pstn-sim', 'call', '+15550009999', '--to', `127.0.0.1:${closed}`, '--transport', transport],
        {},
      );
      assert.ok(Date.now() - started < FAST_MS, `took ${Date.now() - started} ms`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '', 'no call was attempted');
      assert.match(
        r.stderr,
        new RegExp(`^vsip: no SIP server answers at 127\\.0\\.0\\.1:${closed} over ${transport}: connection refused`),
      );
      assert.match(r.stderr, /that address is from --to\. Is vsip serve running\?/);
    }
    const dir = mkdtempSync(join(tmpdir(), 'vsip-ready-'));
    const file = join(dir, 'ready.json');
    writeFileSync(
      file,
      JSON.stringify({ sip: [{ side: 'carrier', protocol: 'udp', address: '0.0.0.0', port: closed }] }),
    );
    const r = await runCli(['pstn-sim', 'call', '+15550009999', '--ready-file', file], {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`no SIP server answers at 127\\.0\\.0\\.1:${closed} over udp: .*from ${file}`));
    rmSync(dir, { recursive: true, force: true });
  });
});
