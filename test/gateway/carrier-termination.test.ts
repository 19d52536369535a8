import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { SIPP_DIR, runSipp, scenarioWithCode, startSipp, type SippProcess } from '../support/sipp.js';
import { freePort, portBound } from '../support/ports.js';
import { startCarrierUas, type CarrierUas } from '../support/carrier-uas.js';
import type { CallRecord } from '../../src/store/types.js';
import { credentials, MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * Termination through carriers end to end: sipp as the PBX on 127.0.0.2, carriers played by sipp
 * scenarios (challenges, refusals) and by small SIP endpoints; the plan comes from an in-memory
 * CarrierPlanSource that each test replaces.
 */
const CALLER = '+919800000001';
let h: Harness;
let api: ApiClient;
let trunk: string;
const plan = new MemoryPlanSource([], []);

before(async () => {
  h = await startHarness({ carrierPlan: plan });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('pbx', CALLER, '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
});

const pbxKeys = (): Record<string, string> => ({ caller: CALLER, host: `${h.accountSid}.pstn.exotel.com` });

async function pbxCall(service = '+14155550100'): Promise<void> {
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service,
    keys: pbxKeys(),
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
}

async function pbxRefused(code: number, service = '+14155550100'): Promise<void> {
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', code),
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service,
    keys: { ...pbxKeys(), codecs: '0 8', maxfwd: '70' },
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, `PBX expected ${code}:\n${r.output.slice(-3000)}`);
}

async function lastRecord(): Promise<CallRecord & { codes: Array<number | string | null> }> {
  await h.gateway.callLog.flush();
  const page = await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 });
  const c = page.items[0];
  assert.ok(c, 'a call record');
  const attempts = JSON.parse(c.carrierAttempts ?? '[]') as Array<{ code: number | string | null }>;
  return { ...c, codes: attempts.map((a) => a.code) };
}

/** A sipp carrier (UAS) on 127.0.0.5 running a scenario file; resolves once it listens. */
async function sippCarrier(file: string, transport: 'udp' | 'tcp' = 'udp'): Promise<{ p: SippProcess; uri: string }> {
  const port = await freePort('127.0.0.5');
  const p = startSipp({ scenario: file, localIp: '127.0.0.5', localPort: port, transport, timeoutSeconds: 20 });
  await portBound(port, '127.0.0.5', transport);
  return { p, uri: `sip:127.0.0.5:${port}${transport === 'tcp' ? ';transport=tcp' : ''}` };
}

function challengeScenario(code: 401 | 407): string {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-sipp-'));
  const file = join(dir, `carrier-challenge-${code}.xml`);
  const text = readFileSync(join(SIPP_DIR, 'carrier-challenge.xml'), 'utf8')
    .replaceAll('__CODE__', String(code))
    .replaceAll('__HEADER__', code === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate')
    .replaceAll('__HEADER_ANSWER__', code === 401 ? 'Authorization' : 'Proxy-Authorization')
    // verifyauth reads Authorization only: a 407's answer is checked by the header match.
    .replaceAll('__CHECK_VAR__', code === 401 ? 'authvalid' : 'hdrok');
  writeFileSync(file, text);
  return file;
}

for (const code of [401, 407] as const) {
  test(`carriers: a carrier challenging with ${code} (MD5) gets the credentials; the call completes`, async () => {
    const c = await sippCarrier(challengeScenario(code));
    try {
      const acme = testCarrier('acme', [[c.uri, 0, 1]], { credentials: credentials('acme', 's3cret') });
      plan.set([acme], [['', [['acme', 0, 1]]]]);
      await pbxCall();
      const r = await c.p.done;
      assert.equal(r.code, 0, r.output.slice(-3000));
      const rec = await lastRecord();
      assert.equal(rec.cause, 'completed');
      assert.equal(rec.carrier, 'acme');
      assert.deepEqual(rec.codes, [code, 200]);
    } finally {
      c.p.kill();
    }
  });
}

test('carriers: a 407 with SHA-256 is answered; ACK and BYE reach the carrier with its CSeq', async () => {
  const uas = await startCarrierUas({
    auth: { username: 'acme', password: 'sha-pw', realm: 'carrier.example', secret: 'x', algorithm: 'SHA-256' },
  });
  try {
    const acme = testCarrier('acme', [[uas.uri(), 0, 1]], { credentials: credentials('acme', 'sha-pw') });
    plan.set([acme], [['', [['acme', 0, 1]]]]);
    await pbxCall();
    assert.deepEqual(uas.stats.authFailures, []);
    assert.equal(uas.stats.answered, 1);
    // The carrier's 2xx is retransmitted until an ACK with the CSeq of the INVITE it answered (§13.3.1.4).
    assert.equal(uas.stats.acks, 1);
    assert.equal(uas.stats.byes, 1);
    assert.deepEqual((await lastRecord()).codes, [407, 200]);
  } finally {
    await uas.close();
  }
});

test('carriers: a carrier that challenges every answer again gets two tries, then carrier_auth_failed', async () => {
  const c = await sippCarrier(join(SIPP_DIR, 'carrier-rechallenge.xml'));
  try {
    const acme = testCarrier('acme', [[c.uri, 0, 1]], { credentials: credentials('acme', 'wrong') });
    plan.set([acme], [['', [['acme', 0, 1]]]]);
    await pbxRefused(503);
    const r = await c.p.done;
    assert.equal(r.code, 0, r.output.slice(-3000));
    const rec = await lastRecord();
    assert.equal(rec.cause, 'carrier_auth_failed');
    assert.deepEqual(rec.codes, [407, 407]);
  } finally {
    c.p.kill();
  }
});

/** Fail over from a first carrier that fails (as `first` arranges) to a second that answers. */
async function failover(firstUri: string, expected: number | string): Promise<void> {
  const uas = await startCarrierUas();
  try {
    const a = testCarrier('first', [[firstUri, 0, 1]]);
    const b = testCarrier('second', [[uas.uri(), 0, 1]]);
    plan.set(
      [a, b],
      [
        [
          '',
          [
            ['first', 0, 1],
            ['second', 1, 1],
          ],
        ],
      ],
    );
    await pbxCall();
    const rec = await lastRecord();
    assert.equal(rec.cause, 'completed');
    assert.equal(rec.carrier, 'second');
    assert.deepEqual(rec.codes, [expected, 200]);
    assert.equal(uas.stats.byes, 1);
  } finally {
    await uas.close();
  }
}

test('carriers: failover to the second carrier when the first answers 503', async () => {
  const c = await sippCarrier(scenarioWithCode('carrier-reject.xml', 503));
  try {
    await failover(c.uri, 503);
    assert.equal((await c.p.done).code, 0);
  } finally {
    c.p.kill();
  }
});

test('carriers: failover to the second carrier when the first never answers', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((res) => silent.bind(0, '127.0.0.1', res));
  try {
    await failover(`sip:127.0.0.1:${silent.address().port}`, 'timeout');
  } finally {
    silent.close();
  }
});

test('carriers: failover to the second carrier when the first resets the TCP connection', async () => {
  const server = net.createServer((s) => s.resetAndDestroy());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  try {
    const port = (server.address() as net.AddressInfo).port;
    await failover(`sip:127.0.0.1:${port};transport=tcp`, 'transport');
  } finally {
    server.close();
  }
});

for (const [how, end] of [
  ['closes', (s: net.Socket) => s.end()],
  ['resets', (s: net.Socket) => s.resetAndDestroy()],
] as const) {
  test(`carriers: failover when the first reads the INVITE over TCP, then ${how} the connection`, async () => {
    // Accepted and written to: only the connection's loss (RFC 3261 §17.1.4), not a refused
    // connect, tells the relay — a transport error, not the destination timeout.
    const server = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => end(s));
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    try {
      const port = (server.address() as net.AddressInfo).port;
      await failover(`sip:127.0.0.1:${port};transport=tcp`, 'transport');
    } finally {
      server.close();
    }
  });
}

test('carriers: the longest matching prefix of three routes picks the carrier; no route is 404 no_route', async () => {
  const uas: CarrierUas[] = [await startCarrierUas(), await startCarrierUas(), await startCarrierUas()];
  try {
    const [x, y, z] = ['x', 'y', 'z'].map((n, i) => testCarrier(n, [[uas[i]?.uri() ?? '', 0, 1]]));
    const carriers = [x, y, z].filter((c) => c !== undefined);
    plan.set(carriers, [
      ['', [['x', 0, 1]]],
      ['1', [['y', 0, 1]]],
      ['1415', [['z', 0, 1]]],
    ]);
    await pbxCall('+14155550100');
    await pbxCall('+12125550100');
    await pbxCall('+442071838750');
    const users = uas.map((u) => u.stats.uris.map((uri) => /^sip:([^@]+)@/.exec(uri)?.[1]));
    assert.deepEqual(users, [['+442071838750'], ['+12125550100'], ['+14155550100']]);
    // Without the default route, a number under no prefix has nowhere to go.
    plan.set(carriers, [
      ['1', [['y', 0, 1]]],
      ['1415', [['z', 0, 1]]],
    ]);
    await pbxRefused(404, '+442071838750');
    assert.equal((await lastRecord()).cause, 'no_route');
  } finally {
    for (const u of uas) await u.close();
  }
});
