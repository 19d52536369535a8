import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../support/api-client.js';
import { startHarness, waitFor } from '../support/gateway-harness.js';
import { RegisteringPbx } from '../support/registering-pbx.js';

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
  // The Contact names a private address; packets come from 127.0.0.2.
  const pbx = await RegisteringPbx.open('127.0.0.2', 'udp', { contactHost: '192.168.7.7' });
  const contact = `sip:pbx@192.168.7.7:${pbx.port}`;
  const pings = pbx.options;
  const res = await pbx.register(
    { gateway: h.access('udp'), accountSid: h.accountSid, trunk, password },
    { contact: `<${contact}>`, expires: 600 },
  );
  assert.equal(res.status, 200);

  await waitFor(() => pings.length >= 2, 10_000, 'two OPTIONS pings');
  // Sent to the received address (the Contact's private host is never used), addressed to the Contact.
  assert.equal(pings[0]?.uri, contact);
  assert.equal((await h.store.listRegistrations(trunk)).length, 1, 'an answering contact stays');

  await pbx.close(); // the PBX is gone without un-registering
  await waitFor(async () => (await h.store.listRegistrations(trunk)).length === 0, 15_000, 'the dead contact dropped');
});
