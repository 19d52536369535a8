import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideTermination, digestTrunk, type TerminationFacts } from '../../src/gateway/termination-policy.js';
import { peerIpv4 } from '../../src/net/ipv4.js';
import { gatewayTrunk, snapshotOf } from './policy-fixtures.js';

const A = gatewayTrunk({ accountSid: 'vsipaaa', numbers: ['+919800000001'], ips: [{ ip: '127.0.0.2', mask: 32 }] });
const B = gatewayTrunk({ accountSid: 'vsipbbb', numbers: ['+919800000002'], ips: [{ ip: '10.1.0.0', mask: 16 }] });
const C = gatewayTrunk({
  accountSid: 'vsipccc',
  numbers: ['+919800000003'],
  authType: 'credentials',
  sipPassword: 'pw',
});
const snap = snapshotOf(A, B, C);

function facts(over: Partial<TerminationFacts> = {}): TerminationFacts {
  const ip = over.sourceIp ?? '127.0.0.2';
  return {
    requestHost: 'vsipaaa.pstn.exotel.com',
    requestUser: '+14155550100',
    sourceIp: ip,
    sourceIpInt: peerIpv4(ip),
    callerId: '+919800000001',
    authUsername: null,
    credentialsOk: false,
    codecOk: true,
    maxForwards: 70,
    ...over,
  };
}
const ctx = () => ({ snapshot: snap, sipDomain: 'pstn.exotel.com', localHosts: new Set(['sbc.example.net']) });

// A source no trunk of the named account whitelists is challenged, whatever the account (no
// enumeration); the cause says what the call log records.
const cases: Array<[string, Partial<TerminationFacts>, number | 'proxy' | 'challenge', string?]> = [
  ['whitelisted, mapped, E.164, PCMU', {}, 'proxy'],
  ['digits-only dialled number with country code', { requestUser: '14155550100' }, 'proxy'],
  ['source outside the /32', { sourceIp: '127.0.0.3' }, 'challenge', 'ip_not_whitelisted'],
  ['source of another account', { sourceIp: '10.1.2.3' }, 'challenge', 'ip_not_whitelisted'],
  [
    'unknown account answers like a bad IP',
    { requestHost: 'vsipnope.pstn.exotel.com' },
    'challenge',
    'ip_not_whitelisted',
  ],
  [
    'a host naming no account, from a stranger',
    { requestHost: 'pstn.exotel.com', sourceIp: '127.0.0.3' },
    403,
    'ip_not_whitelisted',
  ],
  [
    'an IP literal host, from a stranger',
    { requestHost: '127.0.0.1', sourceIp: '127.0.0.3' },
    403,
    'ip_not_whitelisted',
  ],
  [
    'range /16 matches inside',
    { requestHost: 'vsipbbb.pstn.exotel.com', sourceIp: '10.1.200.9', callerId: '919800000002' },
    'proxy',
  ],
  ['caller ID not mapped', { callerId: '+919800000002' }, 403, 'caller_id_not_mapped'],
  ['no caller ID', { callerId: null }, 403, 'caller_id_not_mapped'],
  ['dialled number too short', { requestUser: '1234' }, 404, 'invalid_number'],
  ['dialled number with letters', { requestUser: 'alice' }, 404, 'invalid_number'],
  ['codec not offered', { codecOk: false }, 488, 'codec_not_supported'],
  ['late offer accepted', { codecOk: null }, 'proxy'],
  ['Max-Forwards 0', { maxForwards: 0 }, 483, 'max_forwards'],
  ['IP of host with gateway IP as host', { requestHost: '127.0.0.1' }, 'proxy'],
  ["the gateway's advertised name as host", { requestHost: 'sbc.example.net' }, 'proxy'],
  ['the bare SIP domain as host', { requestHost: 'pstn.exotel.com' }, 'proxy'],
  [
    'a foreign domain, even from a whitelisted PBX with a mapped caller ID',
    { requestHost: 'evil.example.com' },
    403,
    'unknown_domain',
  ],
  [
    'a foreign domain from a stranger gets the same 403',
    { requestHost: 'evil.example.com', sourceIp: '127.0.0.3' },
    403,
    'unknown_domain',
  ],
  [
    'credentials trunk without Proxy-Authorization',
    { requestHost: 'vsipccc.pstn.exotel.com', sourceIp: '127.0.0.9', callerId: '+919800000003' },
    'challenge',
    'auth_required',
  ],
  [
    'an unknown digest username',
    { requestHost: 'vsipccc.pstn.exotel.com', sourceIp: '127.0.0.9', authUsername: 'trnope' },
    'challenge',
    'auth_failed',
  ],
  [
    "a credentials trunk's username on another account's domain",
    { sourceIp: '127.0.0.9', authUsername: C.trunk.sid, credentialsOk: true },
    'challenge',
    'auth_failed',
  ],
];

for (const [name, over, expected, cause] of cases) {
  test(`termination policy: ${name}`, () => {
    const d = decideTermination(facts(over), ctx());
    if (expected === 'proxy') {
      assert.equal(d.action, 'proxy', JSON.stringify(d));
    } else if (expected === 'challenge') {
      assert.equal(d.action, 'challenge');
      assert.equal(d.action === 'challenge' && d.cause, cause);
    } else {
      assert.equal(d.action, 'reject');
      if (d.action === 'reject') {
        assert.equal(d.code, expected);
        assert.equal(d.cause, cause);
      }
    }
  });
}

test('termination policy: digest username identifies a credentials trunk; a bad password re-challenges', () => {
  const f = facts({
    requestHost: 'vsipccc.pstn.exotel.com',
    sourceIp: '127.0.0.9',
    callerId: '+919800000003',
    authUsername: C.trunk.sid,
  });
  const ok = decideTermination({ ...f, credentialsOk: true }, ctx());
  assert.equal(ok.action, 'proxy');
  assert.equal(ok.action === 'proxy' && ok.trunk.sid, C.trunk.sid);
  const bad = decideTermination(f, ctx());
  assert.equal(bad.action, 'challenge');
  assert.equal(bad.action === 'challenge' && bad.cause, 'auth_failed');
});

test('termination policy: a refused call is attributed to the trunk mapping the caller ID', () => {
  const d = decideTermination(facts({ sourceIp: '127.0.0.3' }), ctx());
  assert.equal(d.action, 'challenge');
  assert.equal(d.trunk?.sid, A.trunk.sid);
  const byIp = decideTermination(facts({ sourceIp: '127.0.0.3', requestHost: '127.0.0.1' }), ctx());
  assert.equal(byIp.action, 'reject');
  assert.equal(byIp.trunk?.sid, A.trunk.sid);
});

test('termination policy: digestTrunk names a trunk only when its credentials may authenticate this INVITE', () => {
  assert.equal(
    digestTrunk({ authUsername: C.trunk.sid, requestHost: 'vsipccc.pstn.exotel.com' }, ctx())?.sid,
    C.trunk.sid,
  );
  assert.equal(digestTrunk({ authUsername: C.trunk.sid, requestHost: 'pstn.exotel.com' }, ctx())?.sid, C.trunk.sid);
  assert.equal(
    digestTrunk({ authUsername: C.trunk.sid, requestHost: 'vsipaaa.pstn.exotel.com' }, ctx()),
    null,
    "another account's domain",
  );
  assert.equal(
    digestTrunk({ authUsername: A.trunk.sid, requestHost: 'vsipaaa.pstn.exotel.com' }, ctx()),
    null,
    'an IP-whitelist trunk takes no credentials',
  );
  assert.equal(digestTrunk({ authUsername: 'trnope', requestHost: 'vsipccc.pstn.exotel.com' }, ctx()), null);
  assert.equal(
    digestTrunk({ authUsername: C.trunk.sid, requestHost: 'evil.example.com' }, ctx()),
    null,
    'a foreign domain: refused before any verification',
  );
});
