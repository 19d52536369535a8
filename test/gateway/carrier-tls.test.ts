import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/index.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import { freePort } from '../support/ports.js';
import { makeCa, makeLeaf } from '../support/make-certs.js';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.js';
import { attachSimpleUas, type SimpleUasStats } from '../support/simple-uas.js';
import { MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * TLS to carriers: the certificate is verified against --carrier-ca-file for the host name of the
 * carrier URI (sent as SNI), not for the address DNS gave; a certificate for another name fails the
 * attempt like any unreachable carrier.
 */
let dir: string;
let dns: Dnsmasq;
let h: Harness;
let api: ApiClient;
let carrierEp: SipEndpoint;
let stats: SimpleUasStats;
let port: number;
let trunk: string;
const plan = new MemoryPlanSource([], []);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vsip-carrier-tls-'));
  const ca = makeCa(dir);
  const leaf = makeLeaf(dir, 'carrier', ca, 'DNS:tls.carrier.test', 30);
  port = await freePort();
  carrierEp = await createSipEndpoint({
    listen: [{ protocol: 'tls', host: '127.0.0.1', port }],
    tls: { certFile: leaf.certFile, keyFile: join(dir, 'carrier.key') },
  });
  stats = attachSimpleUas(carrierEp);
  dns = await startDnsmasq(
    ['--host-record=tls.carrier.test,127.0.0.1', '--host-record=wrong.carrier.test,127.0.0.1'],
    'tls.carrier.test',
  );
  h = await startHarness({ carrierPlan: plan, flags: { dnsServer: dns.server, carrierCaFile: ca.certFile } });
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('pbx', '+919800000001', '127.0.0.2');
});
after(async () => {
  await api.close();
  await h.close();
  await carrierEp.close();
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

const keys = (): Record<string, string> => ({ caller: '+919800000001', host: `${h.accountSid}.pstn.exotel.com` });

async function lastCause(): Promise<string | null> {
  await h.gateway.callLog.flush();
  return (await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 })).items[0]?.cause ?? null;
}

test('carrier TLS: verified against --carrier-ca-file for the URI host name (SNI); the call completes', async () => {
  plan.set([testCarrier('tls', [[`sips:tls.carrier.test:${port}`, 0, 1]])], [['', [['tls', 0, 1]]]]);
  const r = await runSipp({
    scenario: 'pbx-call.xml',
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: keys(),
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  assert.equal(stats.answered, 1);
  // The BYE, routed by the carrier's Contact (an address), goes over the connection verified for the name.
  assert.equal(stats.byes, 1);
  assert.equal(await lastCause(), 'completed');
});

test('carrier TLS: a certificate for another name fails the attempt (503 carrier_error)', async () => {
  plan.set([testCarrier('tls', [[`sips:wrong.carrier.test:${port}`, 0, 1]])], [['', [['tls', 0, 1]]]]);
  const before = stats.invites;
  const r = await runSipp({
    scenario: scenarioWithCode('pbx-rejected.xml', 503),
    remote: `127.0.0.1:${h.access('udp').port}`,
    localIp: '127.0.0.2',
    service: '+14155550100',
    keys: { ...keys(), codecs: '0 8', maxfwd: '70' },
    timeoutSeconds: 20,
  });
  assert.equal(r.code, 0, r.output.slice(-3000));
  assert.equal(stats.invites, before, 'nothing was sent over the unverified connection');
  assert.equal(await lastCause(), 'carrier_error');
});
