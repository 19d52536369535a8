import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { runCarrierDoctor, type CarrierDoctorReport } from '../../src/carriers/carrier-doctor.js';
import { makeCa, makeLeaf } from '../support/make-certs.js';
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
      probe: 'skip',
      registration: 'skip',
      challenge: 'skip',
    });
    assert.equal(r.passed, true);
    // The gateway's prober state, when given (by name, through the operator API), is a row of its own.
    const probed = { lastResult: 'timeout' as const, lastProbeAt: '2026-12-05T10:00:00.000Z', heldUntil: null };
    const down = await runCarrierDoctor({
      uri: uas.uri(),
      localHost: '127.0.0.1',
      timeoutMs: 2000,
      liveness: { state: 'down', ...probed },
    });
    assert.equal(statuses(down).probe, 'fail');
    assert.match(down.checks.find((c) => c.id === 'probe')?.detail ?? '', /down: calls skip it \(last timeout at 2026/);
    assert.equal(down.passed, false, 'a URI the gateway holds down fails the doctor');
    const up = await runCarrierDoctor({
      uri: uas.uri(),
      localHost: '127.0.0.1',
      timeoutMs: 2000,
      liveness: { state: 'up', ...probed, lastResult: 200 },
    });
    assert.equal(statuses(up).probe, 'pass');
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

test('doctor --carrier: a TLS 1.3 carrier that wants a client certificate refuses none, answers with one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-doctor-mtls-'));
  const ca = makeCa(dir);
  const leaf = makeLeaf(dir, 'carrier', ca, 'IP:127.0.0.1', 30);
  const client = makeLeaf(dir, 'client', ca, 'DNS:client.test', 30);
  const server = createServer({
    cert: leaf.cert,
    key: leaf.key,
    ca: [ca.cert],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
  });
  server.on('tlsClientError', () => {});
  // Answers each OPTIONS 200 on its connection (enough for reachability and the options row).
  server.on('secureConnection', (s) => {
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      const head = d.toString('latin1').split('\r\n');
      const pick = (n: string): string[] => head.filter((l) => l.toLowerCase().startsWith(`${n}:`));
      const lines = ['SIP/2.0 200 OK', ...pick('via'), ...pick('from'), `${pick('to')[0]};tag=d1`, ...pick('call-id')];
      s.write([...lines, ...pick('cseq'), 'Content-Length: 0', '', ''].join('\r\n'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const uri = `sips:127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const common = { uri, caFile: ca.certFile, localHost: '127.0.0.1', timeoutMs: 10_000 };
    const started = Date.now();
    const without = await runCarrierDoctor(common);
    assert.equal(statuses(without).reachability, 'fail', JSON.stringify(without.checks));
    const reach = without.checks.find((c) => c.id === 'reachability')?.detail ?? '';
    assert.match(reach, /transport error \(.*certificate/i, 'the refusal is named, not a timeout');
    assert.ok(Date.now() - started < 10_000, 'refused at once, not at the timeout');
    const withCert = await runCarrierDoctor({
      ...common,
      clientCert: { certFile: client.certFile, keyFile: join(dir, 'client.key') },
    });
    assert.equal(withCert.passed, true, JSON.stringify(withCert.checks));
    assert.match(withCert.checks.find((c) => c.id === 'tls')?.detail ?? '', /client certificate presented/);
    // The CLI takes the two flags together only.
    const half = await runCli(['doctor', '--carrier', uri, '--carrier-tls-cert', client.certFile], {});
    assert.notEqual(half.code, 0);
    assert.match(half.stderr, /--carrier-tls-cert and --carrier-tls-key go together/);
    const cli = await runCli(
      [
        'doctor',
        '--carrier',
        uri,
        '--carrier-ca-file',
        ca.certFile,
        '--carrier-tls-cert',
        client.certFile,
        '--carrier-tls-key',
        join(dir, 'client.key'),
        '--json',
      ],
      {},
    );
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
