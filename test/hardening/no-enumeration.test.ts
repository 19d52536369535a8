import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../support/api-client.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { attempt, exchange, type AuthTarget } from '../support/sip-auth-client.js';
import { UdpProbe } from '../support/sip-probe.js';

/**
 * No enumeration: a scanner (svwar style) that tries trunk SIDs learns nothing — an
 * unknown trunk and a known trunk with a wrong password get byte-for-byte the same answer (once
 * nonce, tags, branch and Call-ID values are masked) on REGISTER and INVITE, and no timing tell:
 * both paths compute the same digest (unknown usernames are checked against a dummy password).
 * Nor which accounts exist: an INVITE to an account's domain from a source no trunk whitelists is
 * challenged alike for an account with a credentials trunk, one with IP trunks only and none.
 */
let h: Harness;
let api: ApiClient;
let trunk: string;
let target: AuthTarget;
let ipOnly: AuthTarget;
let nobody: AuthTarget;
const UNKNOWN = 'trmum0123456789abcdef01234567';

before(async () => {
  // No lockout, flood block or overload shedding here: this file makes hundreds of failed
  // attempts in bursts on purpose, from a client sharing the gateway's event loop.
  h = await startHarness({ flags: { sipAuthMaxFailures: '1000000', sipPikeRate: '0', sipMaxLoad: '0' } });
  api = await ApiClient.create(h);
  trunk = await api.createTrunk('enum', { auth_type: 'credentials', registration_enabled: true });
  await api.mapNumber(trunk, '+919800000061');
  await h.gateway.snapshot.settled();
  target = { gateway: h.access('udp'), domain: `${h.accountSid}.pstn.exotel.com` };
  // A second account whose only trunk whitelists a PBX elsewhere.
  const { accountSid: other } = await h.store.createAccount('enum-ip-only');
  const ipTrunk = await h.store.createTrunk({
    accountSid: other,
    name: 'ip-only',
    nsoCode: 'ANY-ANY',
    domainName: `${other}.pstn.exotel.com`,
  });
  await h.store.addWhitelistedIp(other, ipTrunk.sid, '127.0.0.2', 32);
  await h.store.addPhoneNumber(other, ipTrunk.sid, '+919800000062', 'pstn');
  ipOnly = { gateway: h.access('udp'), domain: `${other}.pstn.exotel.com` };
  nobody = {
    gateway: h.access('udp'),
    domain: `${other.slice(0, -4)}${other.endsWith('zzzz') ? 'yyyy' : 'zzzz'}.pstn.exotel.com`,
  };
  await h.gateway.snapshot.settled();
});
after(async () => {
  await api.close();
  await h.close();
});

/** The response with every per-request random value masked. */
function normalize(reply: Buffer | null): string {
  assert.ok(reply !== null, 'an answer');
  return reply
    .toString('latin1')
    .replace(/(nonce|opaque|cnonce)="[^"]*"/g, '$1="*"')
    .replace(/tag=[^;>\s,]+/g, 'tag=*')
    .replace(/branch=[^;\s,]+/g, 'branch=*')
    .replace(/rport=\d+/g, 'rport=*')
    .replace(/:\d{4,5}(?=[;>\s])/g, ':*')
    .replace(/Call-ID: .*/i, 'Call-ID: *')
    .replace(/vsip[0-9a-z]+\.pstn/g, 'ACCOUNT.pstn')
    .replace(/Date: .*/i, 'Date: *');
}

for (const method of ['REGISTER', 'INVITE'] as const) {
  test(`no enumeration: ${method} — unknown trunk and wrong password get identical responses`, async () => {
    const probe = await UdpProbe.open('127.0.0.10');
    try {
      const wrong = normalize(await attempt(probe, target, method, trunk, 'not-the-password'));
      const unknown = normalize(await attempt(probe, target, method, UNKNOWN, 'not-the-password'));
      assert.match(wrong, method === 'REGISTER' ? /^SIP\/2\.0 401 / : /^SIP\/2\.0 407 /);
      assert.equal(unknown, wrong);
    } finally {
      probe.close();
    }
  });

  test(`no enumeration: ${method} — same timing for an unknown trunk and a wrong password (medians)`, async () => {
    const probe = await UdpProbe.open('127.0.0.10');
    const times: Record<'wrong' | 'unknown', number[]> = { wrong: [], unknown: [] };
    try {
      for (let i = 0; i < 5; i++) await attempt(probe, target, method, trunk, 'warm-up'); // JIT warm-up
      for (let i = 0; i < 100; i++) {
        // Interleaved so drift in machine load hits both kinds alike.
        const kind = i % 2 === 0 ? 'wrong' : 'unknown';
        const t0 = process.hrtime.bigint();
        const r = await attempt(probe, target, method, kind === 'wrong' ? trunk : UNKNOWN, 'not-the-password');
        times[kind].push(Number(process.hrtime.bigint() - t0) / 1e6);
        assert.ok(r !== null);
      }
    } finally {
      probe.close();
    }
    const median = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return ((s[24] as number) + (s[25] as number)) / 2;
    };
    const iqr = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return (s[37] as number) - (s[12] as number);
    };
    const mw = median(times.wrong);
    const mu = median(times.unknown);
    const noise = Math.max(iqr(times.wrong), iqr(times.unknown));
    // The two paths do the same work; what is left is scheduling noise. A tell would be a
    // systematic gap (a skipped hash or a store look-up on one path only).
    assert.ok(
      Math.abs(mw - mu) <= Math.max(0.25, noise, 0.2 * Math.max(mw, mu)),
      `median wrong ${mw.toFixed(3)} ms, unknown ${mu.toFixed(3)} ms, IQR ${noise.toFixed(3)} ms`,
    );
  });
}

test(
  'no enumeration: INVITE from a stranger to an account with a credentials trunk, one with IP trunks only and ' +
    'none — the same 407, and the same answer to a wrong password',
  async () => {
    const probe = await UdpProbe.open('127.0.0.11');
    try {
      const first = async (t: AuthTarget): Promise<string> =>
        normalize(await exchange(probe, t, 'INVITE', `${Math.random().toString(36).slice(2)}@probe`, 1));
      const withCredentials = await first(target);
      assert.match(withCredentials, /^SIP\/2\.0 407 /);
      assert.equal(await first(ipOnly), withCredentials, 'an account with IP trunks only');
      assert.equal(await first(nobody), withCredentials, 'no such account');
      const wrong = normalize(await attempt(probe, target, 'INVITE', trunk, 'not-the-password'));
      assert.match(wrong, /^SIP\/2\.0 407 /);
      assert.equal(normalize(await attempt(probe, ipOnly, 'INVITE', trunk, 'not-the-password')), wrong);
      assert.equal(normalize(await attempt(probe, nobody, 'INVITE', UNKNOWN, 'not-the-password')), wrong);
    } finally {
      probe.close();
    }
  },
);
