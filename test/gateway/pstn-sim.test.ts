import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PstnSim } from '../../src/pstn-sim/pstn-sim.js';
import { UdpProbe } from '../support/sip-probe.js';
import { SDP, header, request, statusOf } from '../support/sip-message.js';

/**
 * RFC 3261 §13.3.1.4: a UAS re-sends its 2xx until the ACK, and when none comes within 64 × T1
 * "the dialog is confirmed, but the session SHOULD be terminated" with a BYE — otherwise a call
 * whose ACK and BYE were both lost stays open in the gateway's call log until the 6-hour sweep.
 */
test(
  'PSTN simulator: an answered call never ACKed is re-sent its 200, then hung up with a BYE along the ' +
    'Record-Route',
  async (t) => {
    const sim = await PstnSim.start({ t1: 20 }); // 64 × T1 = 1.28 s
    const caller = await UdpProbe.open();
    const proxy = await UdpProbe.open(); // stands for the gateway's Record-Route entry
    t.after(async () => {
      caller.close();
      proxy.close();
      await sim.close();
    });
    const simAddr = sim.addresses()[0]!;
    const rr = `<sip:vsip@127.0.0.1:${proxy.port};lr;vc=x>`;
    const invite = request({
      method: 'INVITE',
      uri: `sip:+14155550100@127.0.0.1:${simAddr.port}`,
      from: '<sip:+919800000001@127.0.0.1>',
      viaPort: caller.port,
      extra: [`Record-Route: ${rr}`],
      body: SDP,
    });
    await caller.send(invite, { address: '127.0.0.1', port: simAddr.port });
    // 180, 200, then 200 again and again: we never ACK.
    const oks: Buffer[] = [];
    for (let i = 0; oks.length < 3; i++) {
      const r = await caller.next(i, 2000);
      assert.ok(r, 'responses keep coming');
      if (statusOf(r) === 200) oks.push(r);
    }
    const bye = await proxy.next(0, 3000);
    assert.ok(bye, "a BYE reached the route set's first hop");
    const text = bye.toString();
    assert.match(text, /^BYE sip:probe@127\.0\.0\.1:\d+ SIP\/2\.0\r\n/, "to the caller's Contact");
    assert.equal(header(bye, 'route'), rr);
    assert.equal(header(bye, 'call-id'), header(oks[0]!, 'call-id'));
    const toTag = /;tag=([^;\s]+)/.exec(header(oks[0]!, 'to') ?? '')?.[1];
    assert.ok(toTag);
    assert.match(header(bye, 'from') ?? '', new RegExp(`;tag=${toTag}$`), 'From carries the tag of our 200');
    assert.equal(header(bye, 'to'), header(oks[0]!, 'from'));
    assert.equal(sim.unacknowledged, 1);
    // The call's RTP stops with that BYE: its socket is closed and the report says why.
    const media = sim.mediaReport(header(oks[0]!, 'call-id') ?? '');
    assert.equal(media?.endedBy, 'no-ack');
    assert.equal(sim.openMediaSockets, 0);
  },
);
