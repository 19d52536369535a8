import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { startHarness, waitFor } from '../support/gateway-harness.js';

test('smoke: PBX UA on 127.0.0.2 → gateway → embedded PSTN sim, answered and hung up', async () => {
  const h = await startHarness();
  const pbx = await PstnSim.start({ host: '127.0.0.2', callerId: '+919800000001' });
  try {
    const t = await h.store.createTrunk({
      accountSid: h.accountSid,
      name: 'pbx',
      nsoCode: 'ANY-ANY',
      domainName: `${h.accountSid}.pstn.exotel.com`,
    });
    await h.store.addPhoneNumber(h.accountSid, t.sid, '+919800000001', 'pstn');
    await h.store.addWhitelistedIp(h.accountSid, t.sid, '127.0.0.2', 32);
    await h.gateway.snapshot.settled();
    const r = await pbx.call('+14155550123', h.access('udp'));
    assert.equal(r.status, 200, r.reason);
    assert.equal(r.byeStatus, 200);
    const calls = await waitFor(async () => {
      await h.gateway.callLog.flush();
      const page = await h.store.listCalls(h.accountSid, t.sid, { offset: 0, limit: 10 });
      return page.items.length > 0 ? page.items : undefined;
    });
    assert.equal(calls[0]?.cause, 'completed');
  } finally {
    await pbx.close();
    await h.close();
  }
});
