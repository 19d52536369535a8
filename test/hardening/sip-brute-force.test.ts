import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../gateway/api-client.js';
import { startHarness, type Harness } from '../gateway/gateway-harness.js';
import { attempt, type AuthTarget } from '../support/sip-auth-client.js';
import { UdpProbe } from '../support/sip-probe.js';
import { statusOf } from '../support/sip-message.js';

/**
 * Digest brute force (issue 6): repeated failures from one source block it for a configured time
 * (here 3 failures → 5 s; defaults 10 in a minute → 10 minutes), on REGISTER and INVITE alike —
 * failures of either method count together and the block refuses both, even with the right
 * password — then the block expires. Blocks and failures show in /metrics.
 */
let h: Harness;
let api: ApiClient;
let trunk: string;
let password: string;
let target: AuthTarget;

before(async () => {
  // A 5 s block: long enough that the checks made while blocked finish inside it on a busy machine.
  h = await startHarness({ flags: { sipAuthMaxFailures: '3', sipAuthBlockSeconds: '5' } });
  api = await ApiClient.create(h);
  trunk = await api.createTrunk('brute', { auth_type: 'credentials', registration_enabled: true });
  await api.mapNumber(trunk, '+919800000061');
  password = await api.password(trunk);
  await h.gateway.snapshot.settled();
  target = { gateway: h.access('udp'), domain: `${h.accountSid}.pstn.exotel.com` };
});
after(async () => {
  await api.close();
  await h.close();
});

async function metric(name: string): Promise<number> {
  const text = await h.metrics.metrics();
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

test('brute force: 3 wrong REGISTER passwords block the source for REGISTER and INVITE (even with the right password) until the block time passes', async () => {
  const probe = await UdpProbe.open('127.0.0.4');
  try {
    const blocksBefore = await metric('vsip_sip_auth_blocks_total');
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, 'guess-1')), 401);
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, 'guess-2')), 401);
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, 'guess-3')), 403, 'third failure blocks');
    const blockedAt = Date.now();
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, password)), 403, 'right password refused while blocked');
    assert.equal(statusOf(await attempt(probe, target, 'INVITE', trunk, password)), 403, 'INVITE digest refused while blocked');
    assert.equal(await metric('vsip_sip_auth_blocks_total'), blocksBefore + 1);
    assert.ok((await metric('vsip_sip_auth_failures_total')) >= 3);

    // Another source is not affected.
    const other = await UdpProbe.open('127.0.0.5');
    try {
      assert.equal(statusOf(await attempt(other, target, 'REGISTER', trunk, password)), 200);
    } finally {
      other.close();
    }
    await new Promise((r) => setTimeout(r, Math.max(0, blockedAt + 5100 - Date.now())));
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, password)), 200, 'the block expired');
  } finally {
    probe.close();
  }
});

test('brute force: wrong INVITE digests count too and then block REGISTER', async () => {
  const probe = await UdpProbe.open('127.0.0.6');
  try {
    assert.equal(statusOf(await attempt(probe, target, 'INVITE', trunk, 'guess-1')), 407);
    assert.equal(statusOf(await attempt(probe, target, 'INVITE', 'trmum0000000000000000000000000', 'guess-2')), 407, 'an unknown username counts like a wrong password');
    assert.equal(statusOf(await attempt(probe, target, 'INVITE', trunk, 'guess-3')), 403);
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, password)), 403);
    const failed = (await api.calls(trunk, 'failed')).filter((c) => c.source_ip === '127.0.0.6' && c.cause === 'auth_failed');
    assert.ok(failed.length >= 2, 'INVITE digest failures are in the call log');
  } finally {
    probe.close();
  }
});
