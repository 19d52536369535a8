import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCarrierDoctor, type CarrierDoctorReport } from '../../src/carriers/carrier-doctor.js';
import { startCarrierUas } from '../support/carrier-uas.js';
import { credentials } from '../gateway/carrier-fixtures.js';
import { json, runCli } from '../support/run-cli.js';

const statuses = (r: CarrierDoctorReport): Record<string, string> =>
  Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

test('doctor --carrier: a carrier that answers OPTIONS passes DNS (IP literal), reachability and OPTIONS', async () => {
  const uas = await startCarrierUas();
  try {
    const r = await runCarrierDoctor({ uri: uas.uri(), localHost: '127.0.0.1', timeoutMs: 2000 });
    assert.deepEqual(statuses(r), {
      dns: 'pass',
      tls: 'skip',
      reachability: 'pass',
      options: 'pass',
      registration: 'skip',
      challenge: 'skip',
    });
    assert.equal(r.passed, true);
  } finally {
    await uas.close();
  }
});

test('doctor --carrier: the test challenge passes with the right credentials and fails with wrong ones', async () => {
  const uas = await startCarrierUas({
    challengeOptions: true,
    auth: { username: 'acme', password: 'pw', realm: 'carrier.example', secret: 's', algorithm: 'SHA-256' },
  });
  try {
    const good = await runCarrierDoctor({
      uri: uas.uri('tcp'),
      credentials: credentials('acme', 'pw'),
      localHost: '127.0.0.1',
      timeoutMs: 2000,
    });
    assert.equal(statuses(good).challenge, 'pass', JSON.stringify(good.checks));
    const bad = await runCarrierDoctor({
      uri: uas.uri(),
      credentials: credentials('acme', 'nope'),
      localHost: '127.0.0.1',
      timeoutMs: 2000,
    });
    assert.equal(statuses(bad).challenge, 'fail');
    assert.equal(bad.passed, false);
    const none = await runCarrierDoctor({ uri: uas.uri(), localHost: '127.0.0.1', timeoutMs: 2000 });
    assert.match(none.checks.find((c) => c.id === 'challenge')?.detail ?? '', /no credentials/);
  } finally {
    await uas.close();
  }
});

test('doctor --carrier: a silent or unresolvable carrier fails with the reason', async () => {
  const silent = await runCarrierDoctor({ uri: 'sip:127.0.0.1:9', localHost: '127.0.0.1', timeoutMs: 500 });
  assert.equal(statuses(silent).reachability, 'fail');
  const bad = await runCarrierDoctor({ uri: 'mailto:x@y', timeoutMs: 500 });
  assert.equal(statuses(bad).dns, 'fail');
});

test('vsip doctor --carrier <uri> --json: the checks, exit code 0; password from VSIP_CARRIER_PASSWORD', async () => {
  const uas = await startCarrierUas({
    challengeOptions: true,
    auth: { username: 'acme', password: 'pw', realm: 'carrier.example', secret: 's' },
  });
  try {
    const r = await runCli(
      ['doctor', '--carrier', uas.uri('tcp'), '--carrier-username', 'acme', '--json', '--timeout', '3000'],
      { VSIP_CARRIER_PASSWORD: 'pw' },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = json<CarrierDoctorReport>(r);
    assert.equal(statuses(report).challenge, 'pass');
    assert.doesNotMatch(r.stdout, /pw/, 'no password in the output');
    const usage = await runCli(['doctor', '--carrier', 'carrier.example'], {});
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /sip: or sips: URI/);
  } finally {
    await uas.close();
  }
});
