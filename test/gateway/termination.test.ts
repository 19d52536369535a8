import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { ApiClient } from '../support/api-client.js';

/**
 * Termination (PBX → carrier) end to end with sipp as the PBX on 127.0.0.2 (whitelisted) and
 * 127.0.0.3 (not), and the embedded PSTN simulator as the carrier.
 */
let h: Harness;
let api: ApiClient;
let trunk: string;
const CALLER = '+919800000001';

before(async () => {
  h = await startHarness();
  api = await ApiClient.create(h);
  // The spec's termination quickstart: create trunk, map the caller ID, whitelist the PBX.
  trunk = await api.terminationTrunk('pbx', CALLER, '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
});

const host = (): string => `${h.accountSid}.pstn.exotel.com`;
const remote = (p: 'udp' | 'tcp' = 'udp'): string => `127.0.0.1:${h.access(p).port}`;

/** The newest record of the trunk's call log, read through GET …/calls. */
async function lastCall(): Promise<{
  cause: string | null;
  finalCode: number | null;
  caller: string | null;
  callee: string | null;
  sourceIp: string;
}> {
  const c = (await api.calls(trunk))[0];
  assert.ok(c, 'a call record');
  return { cause: c.cause, finalCode: c.final_code, caller: c.caller, callee: c.callee, sourceIp: c.source_ip };
}

async function expectRefused(
  code: number,
  o: { ip?: string; caller?: string; service?: string; codecs?: string; maxfwd?: string; transport?: 'udp' | 'tcp' },
): Promise<void> {
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', code),
    remote: remote(o.transport),
    transport: o.transport ?? 'udp',
    localIp: o.ip ?? '127.0.0.2',
    service: o.service ?? '+14155550100',
    keys: { caller: o.caller ?? CALLER, host: host(), codecs: o.codecs ?? '0 8', maxfwd: o.maxfwd ?? '70' },
  });
  assert.equal(r.code, 0, `sipp expected ${code}:\n${r.output.slice(-3000)}`);
}

test('termination: answered call from a whitelisted PBX, BYE through Record-Route (UDP)', async () => {
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: remote(),
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { caller: CALLER, host: host() },
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  const c = await waitFor(async () => {
    const x = await lastCall();
    return x.cause === 'completed' ? x : undefined;
  });
  assert.equal(c.finalCode, 200);
  assert.equal(c.callee, '+14155550100');
  assert.equal(c.sourceIp, '127.0.0.2');
});

test('termination: answered call over TCP, digits-only dialled number normalised', async () => {
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: remote('tcp'),
    transport: 'tcp',
    localIp: '127.0.0.2',
    service: '14155550100',
    keys: { caller: CALLER, host: host() },
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  const sim = h.gateway.pstnSim;
  assert.ok(sim);
  const last = sim.received.at(-1);
  assert.match(last?.uri ?? '', /^sip:\+14155550100@127\.0\.0\.1:\d+/);
});

test(
  "termination over a lossy network: with 10 % of the PBX's datagrams lost, every call completes (retransmissions " +
    'on both legs)',
  async () => {
    // sipp drops 10 % of what it sends and receives: INVITE, 180/200, ACK, BYE and its 200 are each
    // recovered by a retransmission — the PBX's Timer A/E, the 2xx the carrier (the PSTN simulator)
    // re-sends until the ACK (RFC 3261 §13.3.1.4) relayed by the gateway in Accepted (RFC 6026), the
    // BYE's 200 re-sent from Completed.
    const r = await runSipp({
      scenario: 'pbx-call.xml',
      remote: remote(),
      localIp: '127.0.0.2',
      service: '+14155550100',
      keys: { caller: CALLER, host: host() },
      calls: 40,
      rate: 40,
      extra: ['-lost', '10'],
      timeoutSeconds: 60,
    });
    assert.equal(r.code, 0, r.output.slice(-3000));
    assert.match(r.output, /Successful call\s+\|\s+\d+\s+\|\s+40\s/);
  },
);

test(
  'termination: a source IP not whitelisted (127.0.0.3) is challenged like any stranger (407) and logged as ' +
    'ip_not_whitelisted',
  async () => {
    // 407, not 403: the account has no credentials trunk, but answering it differently from an
    // account that has one would tell a scanner which accounts exist (termination-policy.ts).
    await expectRefused(407, { ip: '127.0.0.3' });
    const c = await lastCall();
    assert.equal(c.cause, 'ip_not_whitelisted');
    assert.equal(c.finalCode, 407);
    assert.equal(c.sourceIp, '127.0.0.3');
  },
);

test('termination: 403 when the caller ID is not mapped to the trunk', async () => {
  await expectRefused(403, { caller: '+919811111111' });
  assert.equal((await lastCall()).cause, 'caller_id_not_mapped');
});

test('termination: 404 when the dialled number is not E.164', async () => {
  await expectRefused(404, { service: '12345' });
  const c = await lastCall();
  assert.equal(c.cause, 'invalid_number');
  assert.equal(c.finalCode, 404);
});

test('termination: 488 when the offer has no PCMU, PCMA or G.729', async () => {
  await expectRefused(488, { codecs: '3 9' });
  assert.equal((await lastCall()).cause, 'codec_not_supported');
});

test('termination: 483 when Max-Forwards is exhausted', async () => {
  await expectRefused(483, { maxfwd: '0' });
  assert.equal((await lastCall()).cause, 'max_forwards');
});

test('termination: carrier answers busy → 486 relayed, cause busy', async () => {
  await expectRefused(486, { service: '+15005550101' });
  assert.equal((await lastCall()).cause, 'busy');
});

test('termination: CANCEL while ringing → 487, cause cancelled', async () => {
  const r = await runSipp({
    scenario: 'pbx-cancel.xml',
    remote: remote(),
    localIp: '127.0.0.2',
    service: '+15005550105',
    keys: { caller: CALLER, host: host() },
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  const c = await waitFor(async () => {
    const x = await lastCall();
    return x.cause === 'cancelled' ? x : undefined;
  });
  assert.equal(c.finalCode, 487);
});

test('termination: trunk_external_alias becomes the caller ID sent to the carrier', async () => {
  await api.setSetting(trunk, 'trunk_external_alias', '+918000000000');
  await h.gateway.snapshot.settled();
  try {
    const r = await runSipp({
      scenario: 'pbx-call.xml',
      remote: remote(),
      localIp: '127.0.0.2',
      service: '+14155550111',
      keys: { caller: CALLER, host: host() },
    });
    assert.equal(r.code, 0, r.output.slice(-3000));
    const inv = h.gateway.pstnSim?.received.at(-1);
    const from = inv?.headers.find((x) => x.name === 'from')?.value ?? '';
    const pai = inv?.headers.find((x) => x.name === 'p-asserted-identity')?.value ?? '';
    assert.match(from, /sip:\+918000000000@/);
    assert.match(pai, /sip:\+918000000000@/);
  } finally {
    await api.deleteSetting(trunk, 'trunk_external_alias');
  }
});

test('termination: a PBX over TLS on the sips port (self-signed certificate), answered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-pbx-tls-'));
  const pbx = await PstnSim.start({
    host: '127.0.0.2',
    protocols: ['tls'],
    tls: { selfSignedDir: dir, rejectUnauthorized: false },
    callerId: CALLER,
  });
  // Outbound TLS connections leave from the kernel's default source (127.0.0.1), not the listener's.
  const id = await api.whitelist(trunk, '127.0.0.1', 32);
  await h.gateway.snapshot.settled();
  try {
    const r = await pbx.call('+14155550122', h.access('tls'));
    assert.equal(r.status, 200, r.reason);
    assert.equal(r.byeStatus, 200);
    const c = await lastCall();
    assert.equal(c.cause, 'completed');
    assert.equal(c.callee, '+14155550122');
  } finally {
    await api.removeWhitelistedIp(trunk, id);
    await pbx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'termination: a call ringing past the ring timeout is cancelled downstream and answered 480 ' + 'no_answer',
  async () => {
    const g = await startHarness({ tuning: { proxy: { ringTimeoutMs: 300 } } });
    const api2 = await ApiClient.create(g);
    const ua = await PstnSim.start({ host: '127.0.0.2', callerId: CALLER });
    try {
      const t = await api2.createTrunk('ring');
      await api2.mapNumber(t, CALLER);
      await api2.whitelist(t, '127.0.0.2', 32);
      await g.gateway.snapshot.settled();
      const r = await ua.call('+15005550105', g.access()); // the simulator's "rings forever" number
      assert.equal(r.status, 480);
      const c = (await api2.calls(t))[0];
      assert.equal(c?.cause, 'no_answer');
    } finally {
      await ua.close();
      await api2.close();
      await g.close();
    }
  },
);
