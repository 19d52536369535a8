import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PstnSim, type CallMediaReport } from '../../src/pstn-sim/pstn-sim.js';
import { g711Encode } from '../../src/pstn-sim/g711.js';
import { promptSamples } from '../../src/pstn-sim/tone.js';
import { freePort } from '../support/ports.js';
import { runSipp, SIPP_DIR, sippCounts } from '../support/sipp.js';
import { waitFor } from '../support/wait-for.js';

/**
 * sipp as the PBX calling the simulator directly, with real RTP: `-rtp_echo` sends back every
 * packet the simulator streams (its audio arrives, and returns), `rtp_stream` plays a file at it.
 */
async function simWithReports(t: { after(fn: () => Promise<void>): void }) {
  const sim = await PstnSim.start();
  t.after(() => sim.close());
  const ended: CallMediaReport[] = [];
  sim.onCallEnd((r) => ended.push(r));
  return { sim, ended, remote: `127.0.0.1:${sim.addresses()[0]!.port}` };
}

const KEYS = { caller: '+919800000001', host: '127.0.0.1' };

test('sipp -rtp_echo: what the simulator streams comes back, counted in packets within tolerance', async (t) => {
  const { sim, ended, remote } = await simWithReports(t);
  const mp = await freePort();
  const r = await runSipp({
    scenario: 'pbx-call-media.xml',
    remote,
    service: '+14155550190',
    keys: KEYS,
    extra: ['-rtp_echo', '-mp', String(mp), '-d', '1500'],
  });
  assert.equal(sippCounts(r.output).successful, 1, r.output);
  const [m] = await waitFor(() => (ended.length === 1 ? ended : false), 5000, 'the call to end');
  assert.equal(m!.endedBy, 'bye');
  assert.equal(m!.codec, 'PCMU');
  // 1.5 s at 50 pps is 75 packets; a busy machine may start late, never send more.
  assert.ok(m!.sent.packets >= 50 && m!.sent.packets <= 80, `sent ${m!.sent.packets}`);
  assert.ok(m!.received.packets >= m!.sent.packets - 5, `echoed ${m!.received.packets} of ${m!.sent.packets}`);
  assert.deepEqual(m!.received.sources, [`127.0.0.1:${mp}`]);
  assert.equal(m!.remote, `127.0.0.1:${mp}`);
  assert.equal(m!.received.lost, 0);
  assert.equal(sim.openMediaSockets, 0);
});

test('sipp rtp_stream: a PBX playing a file is received as one PCMU stream, no loss', async (t) => {
  const { sim, ended, remote } = await simWithReports(t);
  const dir = mkdtempSync(join(tmpdir(), 'vsip-sipp-audio-'));
  const audio = join(dir, 'prompt.ulaw');
  writeFileSync(audio, g711Encode('PCMU', promptSamples()));
  const scenario = join(dir, 'pbx-call-stream.xml');
  writeFileSync(scenario, readFileSync(join(SIPP_DIR, 'pbx-call-stream.xml'), 'utf8').replaceAll('__AUDIO__', audio));
  const mp = await freePort();
  const r = await runSipp({
    scenario,
    remote,
    service: '+14155550191',
    keys: KEYS,
    extra: ['-mp', String(mp), '-d', '1500'],
  });
  assert.equal(sippCounts(r.output).successful, 1, r.output);
  const [m] = await waitFor(() => (ended.length === 1 ? ended : false), 5000, 'the call to end');
  assert.ok(m!.received.packets >= 50 && m!.received.packets <= 80, `received ${m!.received.packets}`);
  assert.deepEqual(m!.received.payloadTypes, [0]);
  assert.equal(m!.received.lost, 0);
  assert.equal(m!.latched, true);
  assert.ok(m!.sent.packets >= 50, `the simulator streamed back ${m!.sent.packets}`);
  assert.equal(sim.openMediaSockets, 0);
});

test('sipp, 40 calls 10 at a time with -rtp_echo: every call has audio both ways, no socket left', async (t) => {
  const { sim, ended, remote } = await simWithReports(t);
  const mp = await freePort();
  const r = await runSipp({
    scenario: 'pbx-call-media.xml',
    remote,
    service: '+14155550192',
    keys: KEYS,
    calls: 40,
    rate: 20,
    limit: 10,
    timeoutSeconds: 30,
    extra: ['-rtp_echo', '-mp', String(mp), '-d', '500'],
  });
  assert.equal(sippCounts(r.output).successful, 40, r.output);
  await waitFor(() => ended.length === 40, 5000, 'every call to end');
  for (const m of ended) {
    assert.equal(m.endedBy, 'bye');
    assert.ok(m.sent.packets >= 10, `${m.callId} sent ${m.sent.packets}`);
    assert.ok(m.received.packets >= 5, `${m.callId} got back ${m.received.packets}`);
  }
  assert.equal(sim.openMediaSockets, 0);
});

test('sipp CANCELs 20 ringing calls: each RTP socket opened for them is closed, 487 every time', async (t) => {
  const sim = await PstnSim.start({ answerDelayMs: 10_000 }); // rings until cancelled
  t.after(() => sim.close());
  const udp = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
  const ended: CallMediaReport[] = [];
  sim.onCallEnd((r) => ended.push(r));
  await new Promise((r) => setTimeout(r, 50)); // sockets of the previous test close on a later turn
  const before = udp();
  const r = await runSipp({
    scenario: 'uac-cancel.xml',
    remote: `127.0.0.1:${sim.addresses()[0]!.port}`,
    calls: 20,
    rate: 20,
    timeoutSeconds: 20,
  });
  assert.equal(sippCounts(r.output).successful, 20, r.output);
  assert.equal(sim.openMediaSockets, 0);
  assert.ok(ended.length > 0, 'the calls had media sockets to close'); // each, unless the CANCEL beat the bind
  assert.ok(ended.every((m) => m.endedBy === 'cancel' && !m.open));
  await waitFor(() => udp() === before, 3000, 'no RTP socket left');
  assert.equal(sim.answered, 0);
});
