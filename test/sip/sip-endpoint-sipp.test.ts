import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import { attachSimpleUas, type SimpleUasOptions } from '../support/simple-uas.js';
import { freePort } from '../support/ports.js';
import { runSipp, sippCounts } from '../support/sipp.js';

// Interop with a real SIP peer: Debian's sipp drives a UAS built on the endpoint over UDP and TCP.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/sipp/', import.meta.url));

async function uas(options: SimpleUasOptions = {}) {
  const ep: SipEndpoint = await createSipEndpoint({
    listen: [
      { protocol: 'udp', host: '127.0.0.1', port: 0 },
      { protocol: 'tcp', host: '127.0.0.1', port: 0 },
    ],
  });
  const stats = attachSimpleUas(ep, options);
  const port = (p: 'udp' | 'tcp'): number => ep.addresses().find((a) => a.protocol === p)!.port;
  return { ep, stats, port };
}

async function sipp(
  remotePort: number,
  transport: 'u1' | 't1',
  scenario: string[],
  calls: number,
  extra: string[] = [],
) {
  const local = await freePort();
  const r = await runSipp({
    args: [
      `127.0.0.1:${remotePort}`,
      ...scenario,
      '-m',
      String(calls),
      '-r',
      '20',
      '-i',
      '127.0.0.1',
      '-p',
      String(local),
      '-t',
      transport,
      '-timeout',
      '20s',
      '-timeout_error',
      ...extra,
    ],
    killAfterMs: 60_000,
  });
  return { ...r, counts: sippCounts(r.stdout) };
}

for (const transport of ['u1', 't1'] as const) {
  const proto = transport === 'u1' ? 'udp' : 'tcp';

  test(`sipp built-in uac against the UAS over ${proto}`, async () => {
    const { ep, stats, port } = await uas();
    try {
      const r = await sipp(port(proto), transport, ['-sn', 'uac'], 20);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.counts.successful, 20);
      assert.equal(stats.answered, 20);
      assert.equal(stats.byes, 20);
      assert.equal(ep.counters.parseErrors[proto], 0);
      assert.equal(ep.counters.messagesIn[proto], 60, 'INVITE, ACK, BYE per call');
    } finally {
      await ep.close();
    }
  });

  test(`CANCEL over ${proto}: 200 for the CANCEL, 487 for the INVITE`, async () => {
    const { ep, stats, port } = await uas({ ringOnlyUsers: new Set(['ring']) });
    try {
      const r = await sipp(port(proto), transport, ['-sf', `${FIXTURES}uac-cancel.xml`], 5);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.counts.successful, 5);
      assert.equal(stats.cancelled, 5);
    } finally {
      await ep.close();
    }
  });

  test(`Digest-challenged REGISTER and INVITE over ${proto} with sipp [authentication]`, async () => {
    const { ep, stats, port } = await uas({
      auth: { username: 'trunk1', password: 's3cret-pw', realm: 'pstn.exotel.com', secret: 'k' },
    });
    try {
      const r = await sipp(port(proto), transport, ['-sf', `${FIXTURES}uac-digest.xml`, '-s', 'trunk1'], 5);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.counts.successful, 5);
      assert.equal(stats.challenged, 10, 'one 401 and one 407 per call');
      assert.deepEqual(stats.authFailures, []);
      assert.equal(stats.answered, 5);
    } finally {
      await ep.close();
    }
  });
}

test('wrong password: sipp gets challenged again and the call fails', async () => {
  const { ep, stats, port } = await uas({
    auth: { username: 'trunk1', password: 'other', realm: 'pstn.exotel.com', secret: 'k' },
  });
  try {
    const r = await sipp(port('udp'), 'u1', ['-sf', `${FIXTURES}uac-digest.xml`, '-s', 'trunk1'], 1, [
      '-timeout',
      '5s',
    ]);
    assert.notEqual(r.code, 0);
    assert.ok(stats.authFailures.includes('bad_password'));
    assert.equal(stats.answered, 0);
  } finally {
    await ep.close();
  }
});

test('a lost INVITE is retransmitted by sipp (UDP) and the retransmission is answered', async () => {
  const { ep, stats, port } = await uas({ dropFirstInvite: true });
  try {
    const r = await sipp(port('udp'), 'u1', ['-sn', 'uac'], 3);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(stats.dropped, 3);
    assert.equal(stats.invites, 6);
    assert.equal(stats.answered, 3);
  } finally {
    await ep.close();
  }
});
