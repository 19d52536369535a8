import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../support/api-client.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { attempt, exchange, type AuthTarget } from '../support/sip-auth-client.js';
import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import { UdpProbe } from '../support/sip-probe.js';
import { header, statusOf } from '../support/sip-message.js';

/**
 * Digest brute force: repeated failures from one source block it for a configured time
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
  // Overload control is off in the harness; a 5 s block: long enough that the checks made while blocked finish inside
  // it on a busy machine.
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

test(
  'brute force: 3 wrong REGISTER passwords block the source for REGISTER and INVITE (even with the right ' +
    'password) until the block time passes',
  async () => {
    const probe = await UdpProbe.open('127.0.0.4');
    try {
      const blocksBefore = await metric('vsip_sip_auth_blocks_total');
      assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, 'guess-1')), 401);
      assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, 'guess-2')), 401);
      assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, 'guess-3')), 403, 'third failure blocks');
      const blockedAt = Date.now();
      assert.equal(
        statusOf(await attempt(probe, target, 'REGISTER', trunk, password)),
        403,
        'right password refused while blocked',
      );
      assert.equal(
        statusOf(await attempt(probe, target, 'INVITE', trunk, password)),
        403,
        'INVITE digest refused while blocked',
      );
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
  },
);

test('brute force: wrong INVITE digests count too and then block REGISTER', async () => {
  const probe = await UdpProbe.open('127.0.0.6');
  try {
    assert.equal(statusOf(await attempt(probe, target, 'INVITE', trunk, 'guess-1')), 407);
    assert.equal(
      statusOf(await attempt(probe, target, 'INVITE', 'trmum0000000000000000000000000', 'guess-2')),
      407,
      'an unknown username counts like a wrong password',
    );
    assert.equal(statusOf(await attempt(probe, target, 'INVITE', trunk, 'guess-3')), 403);
    assert.equal(statusOf(await attempt(probe, target, 'REGISTER', trunk, password)), 403);
    const failed = (await api.calls(trunk, 'failed')).filter(
      (c) => c.source_ip === '127.0.0.6' && c.cause === 'auth_failed',
    );
    assert.ok(failed.length >= 2, 'INVITE digest failures are in the call log');
  } finally {
    probe.close();
  }
});

/** A wrong answer to `challenge` for `method`, sent from `probe` on a new Call-ID. */
async function wrongAnswer(probe: UdpProbe, method: 'REGISTER' | 'INVITE', challenge: string): Promise<number | null> {
  const uri = method === 'REGISTER' ? `sip:${target.domain}` : `sip:+14155550100@${target.domain}`;
  const auth = answerChallenge({ challenge, method, uri, username: trunk, password: 'a-guess' });
  const name = method === 'REGISTER' ? 'Authorization' : 'Proxy-Authorization';
  return statusOf(
    await exchange(probe, target, method, `${Math.random().toString(36).slice(2)}@forged`, 1, [`${name}: ${auth}`]),
  );
}

test(
  'brute force: forged digests (a nonce never issued) from an address count nothing — the PBX there still gets in ' +
    'with its password',
  async () => {
    const probe = await UdpProbe.open('127.0.0.7');
    try {
      const forged =
        'Digest realm="pstn.exotel.com", nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", algorithm=MD5, qop="auth"';
      for (let i = 0; i < 5; i++) {
        assert.equal(await wrongAnswer(probe, 'REGISTER', forged), 401, `forged REGISTER ${i + 1}: a fresh challenge`);
        assert.equal(await wrongAnswer(probe, 'INVITE', forged), 407, `forged INVITE ${i + 1}: a fresh challenge`);
      }
      assert.equal(
        statusOf(await attempt(probe, target, 'REGISTER', trunk, password)),
        200,
        'the right password from that address',
      );
    } finally {
      probe.close();
    }
  },
);

test('brute force: a nonce issued to another address does not count against the address that answers it', async () => {
  const owner = await UdpProbe.open('127.0.0.8');
  const forger = await UdpProbe.open('127.0.0.9');
  try {
    const first = await exchange(owner, target, 'REGISTER', `${Math.random().toString(36).slice(2)}@owner`, 1);
    const challenge = first === null ? undefined : header(first, 'WWW-Authenticate');
    assert.ok(challenge !== undefined, 'the owner was challenged');
    for (let i = 0; i < 5; i++)
      assert.equal(
        await wrongAnswer(forger, 'REGISTER', challenge),
        401,
        `answer ${i + 1} from elsewhere: a fresh challenge`,
      );
    assert.equal(statusOf(await attempt(forger, target, 'REGISTER', trunk, password)), 200, 'not blocked');
    assert.equal(statusOf(await attempt(owner, target, 'REGISTER', trunk, password)), 200, 'nor is the owner');
  } finally {
    owner.close();
    forger.close();
  }
});
