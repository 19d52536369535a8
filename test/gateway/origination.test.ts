import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';
import { CLOSED_PORT, freePort, portBound } from '../support/ports.js';
import { runSipp, scenarioWithCode, startSipp } from '../support/sipp.js';

/**
 * Origination (carrier → PBX) end to end: sipp or the PSTN simulator as the carrier placing the
 * call on the carrier-side listener; sipp, and simulator UAs over TCP and TLS, as the PBX
 * destinations.
 */
let h: Harness;
let api: ApiClient;
let seq = 0;

before(async () => {
  h = await startHarness({ flags: { sipDestinationTimeout: '1000' } });
  api = await ApiClient.create(h);
});
after(async () => {
  await api.close();
  await h.close();
});

/** The spec's origination quickstart through the API: trunk, number, destination URIs. */
async function trunkWith(
  number: string,
  destinations: Array<{
    host: string;
    port: number;
    transport: 'tcp' | 'tls' | 'udp';
    priority?: number;
    weight?: number;
  }>,
): Promise<string> {
  const t = await api.createTrunk(`in${++seq}`);
  await api.mapNumber(t, number);
  if (destinations.length > 0) {
    await api.addDestinations(
      t,
      destinations.map((d) => ({
        destination: `${d.host}:${d.port};transport=${d.transport}`,
        ...(d.priority !== undefined ? { priority: d.priority } : {}),
        ...(d.weight !== undefined ? { weight: d.weight } : {}),
      })),
    );
  }
  await h.gateway.snapshot.settled();
  return t;
}

async function lastCall(t: string) {
  const c = await waitFor(async () => (await api.calls(t))[0]);
  return { direction: c.direction, cause: c.cause, finalCode: c.final_code, destination: c.destination };
}

const carrierRemote = (): string => `127.0.0.1:${h.carrierSide('udp').port}`;

test('origination: sipp carrier → vsip → sipp PBX over TCP, answered, BYE through Record-Route', async () => {
  const port = await freePort('127.0.0.4');
  const pbx = startSipp({
    scenario: 'carrier-answer.xml',
    localIp: '127.0.0.4',
    localPort: port,
    transport: 'tcp',
    timeoutSeconds: 15,
  });
  try {
    await portBound(port, '127.0.0.4', 'tcp');
    const t = await trunkWith('+15550001001', [{ host: '127.0.0.4', port, transport: 'tcp' }]);
    const r = await runSipp({
      scenario: 'pbx-call.xml',
      remote: carrierRemote(),
      service: '+15550001001',
      keys: { caller: '+14155550100', host: '127.0.0.1' },
    });
    assert.equal(r.code, 0, r.output.slice(-3000));
    const pr = await pbx.done;
    assert.equal(pr.code, 0, pr.output.slice(-3000));
    const c = await lastCall(t);
    assert.equal(c.direction, 'origination');
    assert.equal(c.cause, 'completed');
    assert.equal(c.destination, `127.0.0.4:${port};transport=tcp`);
  } finally {
    pbx.kill();
  }
});

test('origination: 404 when the dialled number is not mapped', async () => {
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', 404),
    remote: carrierRemote(),
    service: '+15550009999',
    keys: { caller: '+14155550100', host: '127.0.0.1', codecs: '0', maxfwd: '70' },
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
});

test('origination: 480 when the trunk has no destination URI', async () => {
  const t = await trunkWith('+15550001002', []);
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', 480),
    remote: carrierRemote(),
    service: '+15550001002',
    keys: { caller: '+14155550100', host: '127.0.0.1', codecs: '0', maxfwd: '70' },
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  const c = await lastCall(t);
  assert.equal(c.cause, 'no_destination');
  assert.equal(c.finalCode, 480);
});

test('origination: 503 destination_failed when every destination refuses', async () => {
  const dead = CLOSED_PORT; // TCP: refused at once
  const t = await trunkWith('+15550001003', [{ host: '127.0.0.1', port: dead, transport: 'tcp' }]);
  const carrier = await PstnSim.start();
  try {
    const r = await carrier.call('+15550001003', h.carrierSide('udp'));
    assert.equal(r.status, 503);
    const c = await lastCall(t);
    assert.equal(c.cause, 'destination_failed');
  } finally {
    await carrier.close();
  }
});

test('origination: failover from a refusing TCP destination to the next priority', async () => {
  const dead = CLOSED_PORT; // TCP: refused at once
  const pbx = await PstnSim.start({ host: '127.0.0.5', protocols: ['tcp'] });
  const carrier = await PstnSim.start();
  try {
    const port = pbx.addresses()[0]?.port ?? 0;
    const t = await trunkWith('+15550001004', [
      { host: '127.0.0.1', port: dead, transport: 'tcp', priority: 1 },
      { host: '127.0.0.5', port, transport: 'tcp', priority: 2 },
    ]);
    const r = await carrier.call('+15550001004', h.carrierSide('udp'));
    assert.equal(r.status, 200, r.reason);
    assert.equal(r.byeStatus, 200);
    assert.equal(pbx.answered, 1);
    assert.equal(pbx.byes, 1);
    const c = await waitFor(async () => {
      const x = await lastCall(t);
      return x.cause === 'completed' ? x : undefined;
    });
    assert.equal(c.destination, `127.0.0.5:${port};transport=tcp`);
  } finally {
    await pbx.close();
    await carrier.close();
  }
});

test('origination: failover on a destination that never answers (timeout), then 5xx, then success', async () => {
  // A host that accepts the TCP connection and never says anything (not even 100 Trying).
  const silent = net.createServer((sock) => sock.on('data', () => {}));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.6', () => r()));
  const failing = await PstnSim.start({ host: '127.0.0.7', protocols: ['tcp'] });
  failing.endpoint.onRequest((tx) => tx.reply(500, 'Server Internal Error'));
  const good = await PstnSim.start({ host: '127.0.0.8', protocols: ['tcp'] });
  const carrier = await PstnSim.start();
  try {
    const t = await trunkWith('+15550001005', [
      { host: '127.0.0.6', port: (silent.address() as net.AddressInfo).port, transport: 'tcp', priority: 1 },
      { host: '127.0.0.7', port: failing.addresses()[0]?.port ?? 0, transport: 'tcp', priority: 2 },
      { host: '127.0.0.8', port: good.addresses()[0]?.port ?? 0, transport: 'tcp', priority: 3 },
    ]);
    const started = Date.now();
    const r = await carrier.call('+15550001005', h.carrierSide('udp'));
    assert.equal(r.status, 200);
    assert.ok(Date.now() - started >= 1000, 'the silent destination was given its full per-destination timeout');
    assert.equal(good.answered, 1);
    const c = await waitFor(async () => {
      const x = await lastCall(t);
      return x.cause === 'completed' ? x : undefined;
    });
    assert.match(c.destination ?? '', /^127\.0\.0\.8:/);
  } finally {
    silent.close();
    await Promise.all([failing.close(), good.close(), carrier.close()]);
  }
});

test('origination: a TLS destination is reached (self-signed certificate)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-tls-'));
  const pbx = await PstnSim.start({ host: '127.0.0.9', protocols: ['tls'], tls: { selfSignedDir: dir } });
  const carrier = await PstnSim.start();
  try {
    const port = pbx.addresses()[0]?.port ?? 0;
    const t = await trunkWith('+15550001006', [{ host: '127.0.0.9', port, transport: 'tls' }]);
    const r = await carrier.call('+15550001006', h.carrierSide('udp'));
    assert.equal(r.status, 200, r.reason);
    assert.equal(r.byeStatus, 200);
    assert.equal(pbx.answered, 1);
    const inv = pbx.received.at(-1);
    assert.match(inv?.uri ?? '', /;transport=tls/);
    const c = await waitFor(async () => {
      const x = await lastCall(t);
      return x.cause === 'completed' ? x : undefined;
    });
    assert.equal(c.destination, `127.0.0.9:${port};transport=tls`);
  } finally {
    await pbx.close();
    await carrier.close();
  }
});

test('origination: only the configured carrier may call in on the carrier side (403 otherwise)', async () => {
  const g = await startHarness({ carrier: 'sip:127.0.0.1:9' });
  const stranger = await PstnSim.start({ host: '127.0.0.5' });
  const carrier = await PstnSim.start({ host: '127.0.0.1' });
  try {
    const r1 = await stranger.call('+15550001234', g.carrierSide('udp'));
    assert.equal(r1.status, 403);
    const r2 = await carrier.call('+15550001234', g.carrierSide('udp'));
    assert.equal(r2.status, 404, 'the carrier itself passes the source check and meets the number check');
  } finally {
    await Promise.all([stranger.close(), carrier.close()]);
    await g.close();
  }
});
