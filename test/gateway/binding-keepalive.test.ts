import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import { getHeader } from '../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import { randomToken } from '../../src/sip/transaction/branch.js';
import type { SipTarget } from '../../src/sip/transport/transport.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor } from '../support/gateway-harness.js';

function send(ep: SipEndpoint, req: SipRequest, target: SipTarget): Promise<SipResponse> {
  return new Promise((resolve, reject) => {
    ep.sendRequest(req, target, {
      provisional: () => {},
      final: (res: SipResponse) => resolve(res),
      timeout: () => reject(new Error('timeout')),
      transportError: (err) => reject(err),
    });
  });
}

test('keep-alive: a registered UDP contact gets OPTIONS pings; once it stops answering it is dropped', async (t) => {
  // T1 50 ms: an unanswered OPTIONS times out (Timer F, 64·T1) in 3.2 s instead of 32 s.
  const h = await startHarness({ flags: { sipKeepaliveInterval: '1' }, tuning: { sipTimers: { t1: 50 } } });
  const api = await ApiClient.create(h);
  t.after(async () => {
    await api.close();
    await h.close();
  });
  const trunk = await api.createTrunk('keepalive', { auth_type: 'credentials', registration_enabled: true });
  const password = await api.password(trunk);
  await h.gateway.snapshot.settled();
  const ep = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '127.0.0.2', port: 0 }] });
  const port = ep.addresses()[0]?.port ?? 0;
  const pings: SipRequest[] = [];
  ep.onRequest((tx) => {
    if (tx.request.method === 'OPTIONS') pings.push(tx.request);
    tx.reply(200);
  });
  const domain = `${h.accountSid}.pstn.exotel.com`;
  const contact = `sip:pbx@192.168.7.7:${port}`;
  const callId = randomToken();
  const make = (seq: number, auth?: string): SipRequest => ({
    kind: 'request',
    method: 'REGISTER',
    uri: `sip:${domain}`,
    version: 'SIP/2.0',
    headers: [
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: `<sip:${trunk}@${domain}>;tag=${randomToken()}` },
      { name: 'to', value: `<sip:${trunk}@${domain}>` },
      { name: 'call-id', value: callId },
      { name: 'cseq', value: `${seq} REGISTER` },
      { name: 'contact', value: `<${contact}>` },
      { name: 'expires', value: '600' },
      ...(auth ? [{ name: 'authorization', value: auth }] : []),
    ],
    body: Buffer.alloc(0),
  });
  const first = await send(ep, make(1), h.access('udp'));
  const auth = answerChallenge({
    challenge: getHeader(first, 'www-authenticate') ?? '',
    method: 'REGISTER',
    uri: `sip:${domain}`,
    username: trunk,
    password,
  });
  assert.equal((await send(ep, make(2, auth), h.access('udp'))).status, 200);

  await waitFor(() => pings.length >= 2, 10_000, 'two OPTIONS pings');
  // Sent to the received address (the Contact's private host is never used), addressed to the Contact.
  assert.equal(pings[0]?.uri, contact);
  assert.equal((await h.store.listRegistrations(trunk)).length, 1, 'an answering contact stays');

  await ep.close(); // the PBX is gone without un-registering
  await waitFor(async () => (await h.store.listRegistrations(trunk)).length === 0, 15_000, 'the dead contact dropped');
});
