import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { parseUri } from '../../src/sip/index.js';
import { SipResolver } from '../../src/carriers/sip-resolver.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp } from '../support/sipp.js';
import { freePort } from '../support/ports.js';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.js';
import { startCarrierUas, type CarrierUas } from '../support/carrier-uas.js';
import { MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * RFC 3263 with a real DNS server: dnsmasq started by the test serves NAPTR, SRV and A records for
 * carrier.test; the resolver's order and the gateway's failover follow the SRV priorities.
 */
let dns: Dnsmasq;
let portA: number;
let portB: number;

before(async () => {
  portA = await freePort();
  portB = await freePort();
  dns = await startDnsmasq(
    [
      '--naptr-record=carrier.test,10,10,S,SIP+D2U,,_sip._udp.carrier.test',
      `--srv-host=_sip._udp.carrier.test,a.carrier.test,${portA},10,1`,
      `--srv-host=_sip._udp.carrier.test,b.carrier.test,${portB},20,1`,
      `--srv-host=_sip._tcp.srvonly.test,a.carrier.test,${portA},10,1`,
      '--host-record=a.carrier.test,127.0.0.1',
      '--host-record=b.carrier.test,127.0.0.1',
      '--host-record=plain.test,127.0.0.1',
    ],
    'a.carrier.test',
  );
});
after(async () => {
  await dns.close();
});

function resolver(): SipResolver {
  const r = new Resolver({ timeout: 1000, tries: 2 });
  r.setServers([dns.server]);
  return new SipResolver(r);
}

test('RFC 3263: NAPTR → SRV by priority → A; SRV per transport; port skips SRV; IP literal skips DNS', async () => {
  const r = resolver();
  const t = await r.resolve(parseUri('sip:carrier.test'));
  assert.deepEqual(
    t.map((x) => [x.protocol, x.address, x.port]),
    [
      ['udp', '127.0.0.1', portA],
      ['udp', '127.0.0.1', portB],
    ],
  );
  const tcp = await r.resolve(parseUri('sip:srvonly.test;transport=tcp'));
  assert.deepEqual(
    tcp.map((x) => [x.protocol, x.port]),
    [['tcp', portA]],
  );
  assert.deepEqual(await r.resolve(parseUri('sip:plain.test:5099')), [
    { protocol: 'udp', address: '127.0.0.1', port: 5099 },
  ]);
  const tls = await r.resolve(parseUri('sips:plain.test'));
  assert.deepEqual(tls, [{ protocol: 'tls', address: '127.0.0.1', port: 5061, serverName: 'plain.test' }]);
  assert.deepEqual(await r.resolve(parseUri('sip:192.0.2.7:5070;transport=tcp')), [
    { protocol: 'tcp', address: '192.0.2.7', port: 5070 },
  ]);
  assert.deepEqual(await r.resolve(parseUri('sip:nowhere.test')), []);
});

test('RFC 3263 in the gateway: the SRV priority picks the host, and the next takes over when it dies', async () => {
  const plan = new MemoryPlanSource([testCarrier('dns', [['sip:carrier.test', 0, 1]])], [['', [['dns', 0, 1]]]]);
  const h: Harness = await startHarness({ carrierPlan: plan, flags: { dnsServer: dns.server } });
  const api = await ApiClient.create(h);
  let a: CarrierUas | null = await startCarrierUas({}, '127.0.0.1', portA);
  const b = await startCarrierUas({}, '127.0.0.1', portB);
  try {
    const trunk = await api.terminationTrunk('pbx', '+919800000001', '127.0.0.2');
    const call = async (): Promise<Array<{ uri: string; code: unknown }>> => {
      const r = await runSipp({
        scenario: 'pbx-call.xml',
        remote: `127.0.0.1:${h.access('udp').port}`,
        localIp: '127.0.0.2',
        service: '+14155550100',
        keys: { caller: '+919800000001', host: `${h.accountSid}.pstn.exotel.com` },
        timeoutSeconds: 20,
      });
      assert.equal(r.code, 0, r.output.slice(-3000));
      await h.gateway.callLog.flush();
      const c = (await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 })).items[0];
      return JSON.parse(c?.carrierAttempts ?? '[]');
    };
    assert.deepEqual(
      (await call()).map((x) => [x.uri, x.code]),
      [[`carrier.test (127.0.0.1:${portA})`, 200]],
    );
    assert.equal(a.stats.answered, 1);
    await a.close();
    a = null;
    assert.deepEqual(
      (await call()).map((x) => [x.uri, x.code]),
      [
        [`carrier.test (127.0.0.1:${portA})`, 'timeout'],
        [`carrier.test (127.0.0.1:${portB})`, 200],
      ],
    );
    assert.equal(b.stats.answered, 1);
  } finally {
    await a?.close();
    await b.close();
    await api.close();
    await h.close();
  }
});
