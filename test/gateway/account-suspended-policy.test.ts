/**
 * The policies with a suspended account: termination refuses 403 `account_suspended` only once the
 * trunk is identified (a stranger still gets the same challenge as for any account), origination
 * refuses calls to its numbers with 403 `account_suspended`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideOrigination } from '../../src/gateway/origination-policy.js';
import { decideTermination, type TerminationFacts } from '../../src/gateway/termination-policy.js';
import { parseIpv4 } from '../../src/net/ipv4.js';
import { gatewayTrunk, snapshotOf } from './policy-fixtures.js';

const dest = {
  id: '1',
  trunkSid: 'x',
  destination: '127.0.0.1:5061;transport=tls',
  host: '127.0.0.1',
  port: 5061,
  transport: 'tls' as const,
  priority: 1,
  weight: 1,
  dateCreated: '',
  dateUpdated: '',
};

function facts(sourceIp: string): TerminationFacts {
  return {
    requestHost: 'vsipacc1.pstn.exotel.com',
    requestUser: '+14155550100',
    sourceIp,
    sourceIpInt: parseIpv4(sourceIp),
    callerId: '+919800000001',
    authUsername: null,
    credentialsOk: false,
    codecOk: true,
    maxForwards: 70,
  };
}

for (const suspended of [false, true]) {
  test(`termination and origination with the account ${suspended ? 'suspended' : 'active'}`, () => {
    const g = {
      ...gatewayTrunk({ numbers: ['+919800000001'], ips: [{ ip: '192.0.2.1', mask: 32 }], destinations: [dest] }),
      accountSuspended: suspended,
    };
    const ctx = { snapshot: snapshotOf(g), sipDomain: 'pstn.exotel.com', localHosts: new Set<string>() };
    const t = decideTermination(facts('192.0.2.1'), ctx);
    if (suspended) {
      assert.equal(t.action, 'reject');
      assert.equal(t.action === 'reject' && t.code, 403);
      assert.equal(t.action === 'reject' && t.cause, 'account_suspended');
    } else assert.equal(t.action, 'proxy');
    // A source the trunk does not whitelist learns nothing about the suspension.
    const stranger = decideTermination(facts('198.51.100.9'), ctx);
    assert.equal(stranger.action, 'challenge');

    const o = decideOrigination({ dialled: '+919800000001', callerId: '+14155550100', maxForwards: 70 }, ctx.snapshot);
    if (suspended) {
      assert.equal(o.action, 'reject');
      assert.equal(o.action === 'reject' && o.code, 403);
      assert.equal(o.action === 'reject' && o.cause, 'account_suspended');
    } else assert.notEqual(o.action, 'reject');
  });
}
