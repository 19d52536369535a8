import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { UdpProbe } from '../support/sip-probe.js';
import { SDP, header, request, statusOf } from '../support/sip-message.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/**
 * vsip implements no SIP extension a peer can demand. Proxy-Require on a request it relays
 * (RFC 3261 §16.3 item 6) and Require on a request it answers itself (§8.2.2.3) get 420 with
 * the tags in Unsupported; Require on a relayed INVITE is the far end's business (here the PSTN
 * simulator, which answers 420 too).
 */
let h: Harness;
let api: ApiClient;
let trunk: string;
let pbx: UdpProbe;
const CALLER = '+919800000041';

before(async () => {
  h = await startHarness();
  api = await ApiClient.create(h);
  trunk = await api.terminationTrunk('ext', CALLER, '127.0.0.2');
  pbx = await UdpProbe.open('127.0.0.2');
});
after(async () => {
  pbx.socket.close();
  await api.close();
  await h.close();
});

/**
 * Sends one request from the PBX address and returns its first final response. Matched by Call-ID:
 * the probe never ACKs, so an earlier test's 4xx may still be retransmitted (Timer G) meanwhile.
 */
async function finalFor(text: string): Promise<Buffer> {
  const callId = header(Buffer.from(text), 'Call-ID');
  const seen = pbx.replies.length;
  await pbx.send(text, h.access('udp'));
  for (let i = seen; ; i++) {
    const r = await pbx.next(i, 10_000);
    assert.ok(r, 'no final response');
    if ((statusOf(r) ?? 0) >= 200 && header(r, 'Call-ID') === callId) return r;
  }
}

const invite = (extra: string[]): string =>
  request({
    method: 'INVITE',
    uri: `sip:+14155550100@${h.accountSid}.pstn.exotel.com`,
    from: `<sip:${CALLER}@127.0.0.2>`,
    viaHost: '127.0.0.2',
    viaPort: pbx.port,
    extra,
    body: SDP,
  });

test(
  "an INVITE with Proxy-Require gets 420 + Unsupported, in the trunk's call log as " + 'unsupported_extension',
  async () => {
    const r = await finalFor(invite(['Proxy-Require: sec-agree, foo', 'Proxy-Require: sec-agree']));
    assert.equal(statusOf(r), 420);
    assert.equal(header(r, 'unsupported'), 'sec-agree, foo');
    // Checked once the policy has identified the trunk, so the PBX owner finds it in the trunk's log.
    const c = await waitFor(async () =>
      (await api.calls(trunk)).find((x) => x.final_code === 420 && x.cause === 'unsupported_extension'),
    );
    assert.equal(c.caller, CALLER);
    const metrics = await h.metrics.metrics();
    assert.match(metrics, /vsip_sip_calls_total\{[^}]*code="420"[^}]*cause="unsupported_extension"[^}]*\} 1/);
  },
);

test('OPTIONS and REGISTER with Require get 420; Proxy-Require on a request answered here is ignored', async () => {
  const options = (extra: string[]) =>
    request({
      method: 'OPTIONS',
      uri: `sip:${h.accountSid}.pstn.exotel.com`,
      viaHost: '127.0.0.2',
      viaPort: pbx.port,
      extra,
    });
  const r = await finalFor(options(['Require: timer']));
  assert.equal(statusOf(r), 420);
  assert.equal(header(r, 'unsupported'), 'timer');
  assert.equal(statusOf(await finalFor(options(['Proxy-Require: sec-agree']))), 200);
  const register = request({
    method: 'REGISTER',
    uri: `sip:${h.accountSid}.pstn.exotel.com`,
    from: `<sip:${trunk}@${h.accountSid}.pstn.exotel.com>`,
    to: `<sip:${trunk}@${h.accountSid}.pstn.exotel.com>`,
    viaHost: '127.0.0.2',
    viaPort: pbx.port,
    extra: ['Require: gruu'],
  });
  const g = await finalFor(register);
  assert.equal(statusOf(g), 420);
  assert.equal(header(g, 'unsupported'), 'gruu');
  // The method is inspected before the extensions (RFC 3261 §8.2): 405 for SUBSCRIBE, not 420.
  const subscribe = request({
    method: 'SUBSCRIBE',
    uri: `sip:${h.accountSid}.pstn.exotel.com`,
    viaHost: '127.0.0.2',
    viaPort: pbx.port,
    extra: ['Require: foo', 'Event: presence'],
  });
  assert.equal(statusOf(await finalFor(subscribe)), 405);
});

test('Require on a relayed INVITE reaches the carrier, whose 420 comes back', async () => {
  const r = await finalFor(invite(['Require: 100rel']));
  assert.equal(statusOf(r), 420);
  assert.equal(header(r, 'unsupported'), '100rel');
  assert.match(r.toString(), /^SIP\/2\.0 420 Bad Extension\r\n/, "the carrier's 420, not the gateway's");
  // Refused downstream, after the policy let it through: cause "rejected", with the carrier as destination.
  const c = await waitFor(async () =>
    (await api.calls(trunk)).find((x) => x.final_code === 420 && x.cause === 'rejected'),
  );
  assert.ok(c.destination, 'it went to the carrier');
});
