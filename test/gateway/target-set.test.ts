import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CarrierTarget } from '../../src/gateway/carrier-target.js';
import { carrierHop } from './carrier-fixtures.js';
import { DestinationSet } from '../../src/gateway/destination-set.js';
import type { AttemptOutcome, ProxyTarget, TargetSet, TargetVerdict } from '../../src/gateway/target-set.js';

/**
 * The failover policy alone, from tables (no sockets): each row drives a set the way the relay
 * does — take a target, report how the attempt ended, ask again while the set says so — and
 * checks which targets were tried and what the caller is answered.
 */
const target = (label: string): ProxyTarget => ({
  requestUri: `sip:x@${label}`,
  target: { protocol: 'tcp', address: label, port: 5060 },
  label,
});

type Step = 'timeout' | 'transport' | number;

function drive(set: TargetSet, steps: Step[]): { tried: string[]; verdict: TargetVerdict } {
  const tried: string[] = [];
  for (const step of steps) {
    const t = set.next();
    if (t === undefined) break;
    tried.push(t.label);
    const outcome: AttemptOutcome = typeof step === 'number' ? 'final' : step;
    if (!set.failed(outcome, typeof step === 'number' ? step : 0)) break;
  }
  return { tried, verdict: set.verdict() };
}

const relay = (cause: string): TargetVerdict => ({ relay: true, cause }) as TargetVerdict;
const reply = (code: number, cause: string): Partial<TargetVerdict> =>
  ({ relay: false, code, cause }) as Partial<TargetVerdict>;

test('termination: one carrier target, no failover; a final is relayed, silence is 504, unreachable 503', () => {
  const rows: Array<[Step[], string[], Partial<TargetVerdict>]> = [
    [[486], ['c'], relay('busy')],
    [[503], ['c'], relay('carrier_error')],
    [[603], ['c'], relay('declined')],
    [['timeout'], ['c'], reply(504, 'timeout')],
    [['transport'], ['c'], reply(503, 'carrier_error')],
  ];
  for (const [steps, tried, verdict] of rows) {
    const r = drive(new CarrierTarget({ hops: [carrierHop('c')], patienceMs: 180_000 }), steps);
    assert.deepEqual(r.tried, tried, `${steps}`);
    for (const [k, v] of Object.entries(verdict))
      assert.equal((r.verdict as Record<string, unknown>)[k], v, `${steps}: ${k}`);
  }
});

test('origination: fail over on timeout, transport error, 408 and 5xx; stop on 3xx/4xx/6xx', () => {
  const rows: Array<[Step[], string[], Partial<TargetVerdict>]> = [
    [['timeout', 'transport', 500], ['a', 'b', 'c'], relay('destination_failed')],
    [['timeout', 'timeout', 'timeout'], ['a', 'b', 'c'], reply(503, 'destination_failed')],
    [[503, 'timeout', 'timeout'], ['a', 'b', 'c'], relay('destination_failed')],
    [[408, 486], ['a', 'b'], relay('busy')],
    [[500, 408, 408], ['a', 'b', 'c'], relay('timeout')],
    [[404], ['a'], relay('not_found')],
    [[302], ['a'], relay('rejected')],
    [[603], ['a'], relay('declined')],
    [[600], ['a'], relay('busy')],
    [[502, 606], ['a', 'b'], relay('codec_not_supported')],
  ];
  for (const [steps, tried, verdict] of rows) {
    const r = drive(new DestinationSet([target('a'), target('b'), target('c')]), steps);
    assert.deepEqual(r.tried, tried, `${steps}`);
    for (const [k, v] of Object.entries(verdict))
      assert.equal((r.verdict as Record<string, unknown>)[k], v, `${steps}: ${k}`);
  }
});

test('origination: no destination at all is 503 destination_failed; a set that stopped offers nothing more', () => {
  assert.deepEqual(drive(new DestinationSet([]), []).verdict, {
    relay: false,
    code: 503,
    reason: 'Service Unavailable (no destination URI answered)',
    cause: 'destination_failed',
  });
  const set = new DestinationSet([target('a'), target('b')]);
  set.next();
  assert.equal(set.failed('final', 603), false);
  assert.equal(set.next(), undefined);
});
