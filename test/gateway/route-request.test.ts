import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { header, request, SDP, statusOf } from '../support/sip-message.js';
import { UdpProbe } from '../support/sip-probe.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';

/**
 * What each side answers before any call policy: the Allow of a side lists what that side
 * accepts (REGISTER only on the access side), and a request whose Via sent-by no response can
 * reach is answered 400 without a carrier attempt.
 */
let h: Harness;
let api: ApiClient;
let pbx: UdpProbe;
const CALLER = '+919800000081';

before(async () => {
  // Overload control off: this file is not about it, and a busy machine must not turn an answer into 503.
  h = await startHarness({ flags: { sipMaxLoad: '0', sipMaxLag: '0' } });
  api = await ApiClient.create(h);
  await api.terminationTrunk('route', CALLER, '127.0.0.2');
  pbx = await UdpProbe.open('127.0.0.2');
});
after(async () => {
  pbx.close();
  await api.close();
  await h.close();
});

const methods = (allow: string | undefined): string[] =>
  (allow ?? '')
    .split(',')
    .map((m) => m.trim())
    .sort();

test('Allow lists what each side accepts: REGISTER on the access side only (405 and OPTIONS alike)', async () => {
  const uri = `sip:${h.accountSid}.pstn.exotel.com`;
  const ask = (method: string, side: 'access' | 'carrier') =>
    pbx.exchange(
      request({
        method,
        uri,
        viaHost: '127.0.0.2',
        viaPort: pbx.port,
        ...(method === 'REGISTER' ? { from: `<sip:pbx@${h.accountSid}.pstn.exotel.com>` } : {}),
      }),
      side === 'access' ? h.access('udp') : h.carrierSide('udp'),
      2000,
    );

  const register = await ask('REGISTER', 'carrier');
  assert.equal(statusOf(register), 405);
  const carrierAllow = methods(header(register as Buffer, 'allow'));
  assert.ok(!carrierAllow.includes('REGISTER'), `carrier-side Allow: ${carrierAllow.join(', ')}`);
  assert.deepEqual(methods(header((await ask('OPTIONS', 'carrier')) as Buffer, 'allow')), carrierAllow);
  assert.deepEqual(methods(header((await ask('MESSAGE', 'carrier')) as Buffer, 'allow')), carrierAllow);

  const message = await ask('MESSAGE', 'access');
  assert.equal(statusOf(message), 405);
  const accessAllow = methods(header(message as Buffer, 'allow'));
  assert.deepEqual(accessAllow, [...carrierAllow, 'REGISTER'].sort());
  assert.deepEqual(methods(header((await ask('OPTIONS', 'access')) as Buffer, 'allow')), accessAllow);
  assert.equal(statusOf(await ask('REGISTER', 'access')), 401, 'the access side does take REGISTER');
});

test('an INVITE whose top Via names port 0 gets 400 saying so, and no carrier attempt', async () => {
  const sim = h.gateway.pstnSim;
  assert.ok(sim !== null);
  const callId = `via-port-0-${Date.now()}@127.0.0.2`;
  const invite = request({
    method: 'INVITE',
    uri: `sip:+14155550100@${h.accountSid}.pstn.exotel.com`,
    from: `<sip:${CALLER}@127.0.0.2>`,
    viaHost: '127.0.0.2',
    viaPort: 0,
    callId,
    body: SDP,
  });
  const reply = await pbx.exchange(invite, h.access('udp'), 2000);
  assert.ok(reply !== null, 'answered (to the source port)');
  assert.match(reply.toString().split('\r\n')[0] ?? '', /^SIP\/2\.0 400 Bad Request \(Via sent-by port 0/);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(
    !sim.received.some((r) => r.headers.some((x) => x.name === 'call-id' && x.value === callId)),
    'nothing reached the carrier',
  );
});
