import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChallenge, verifyDigest, type SipHeader, type SipResponse } from '../../src/sip/index.js';
import {
  CarrierTarget,
  MAX_REDIRECTS,
  type CarrierAttempt,
  type CarrierHop,
} from '../../src/gateway/carrier-target.js';
import type { AttemptOutcome, TargetVerdict } from '../../src/gateway/target-set.js';
import { carrierHop, credentials, testCarrier } from './carrier-fixtures.js';

/**
 * Termination's failover and challenge policy alone, from tables (no sockets): each row drives the
 * set the way the relay does and checks which targets were tried and what the caller is answered.
 */
type Step = 'timeout' | 'transport' | number | SipResponse;

const response = (status: number, headers: SipHeader[] = []): SipResponse => ({
  kind: 'response',
  version: 'SIP/2.0',
  status,
  reason: 'X',
  headers,
  body: Buffer.alloc(0),
});

function drive(set: CarrierTarget, steps: Step[]): { tried: CarrierHop[]; verdict: TargetVerdict } {
  const tried: CarrierHop[] = [];
  for (const step of steps) {
    const t = set.next();
    if (t === undefined) break;
    tried.push(t);
    const res = typeof step === 'object' ? step : typeof step === 'number' ? response(step) : undefined;
    const outcome: AttemptOutcome = res === undefined ? (step as AttemptOutcome) : 'final';
    if (!set.failed(outcome, res?.status ?? 0, res)) break;
  }
  return { tried, verdict: set.verdict() };
}

const three = (): CarrierHop[] => [carrierHop('a'), carrierHop('b'), carrierHop('c')];
const relay = (cause: string): Partial<TargetVerdict> => ({ relay: true, cause }) as Partial<TargetVerdict>;
const reply = (code: number, cause: string): Partial<TargetVerdict> =>
  ({ relay: false, code, cause }) as Partial<TargetVerdict>;

test('carriers: fail over on timeout, transport error, 408 and 5xx; stop on 4xx, 6xx and a long 503', () => {
  const retryAfter = (s: number): SipResponse => response(503, [{ name: 'retry-after', value: `${s} (maintenance)` }]);
  const rows: Array<[string, Step[], string[], Partial<TargetVerdict>]> = [
    ['all fail, last a 500', ['timeout', 'transport', 500], ['a', 'b', 'c'], relay('all_carriers_failed')],
    ['all silent', ['timeout', 'timeout', 'timeout'], ['a', 'b', 'c'], reply(503, 'all_carriers_failed')],
    ['503 then busy', [503, 486], ['a', 'b'], relay('busy')],
    ['408 then 404', [408, 404], ['a', 'b'], relay('not_found')],
    ['6xx never fails over', [603], ['a'], relay('declined')],
    ['a 4xx ends the search', [480], ['a'], relay('no_answer')],
    ['503, Retry-After within patience', [retryAfter(5), 486], ['a', 'b'], relay('busy')],
    ['503, Retry-After beyond patience', [retryAfter(600)], ['a'], relay('carrier_error')],
    ['no credentials for a 401: next carrier', [401, 486], ['a', 'b'], relay('busy')],
    ['407 at every carrier', [407, 407, 407], ['a', 'b', 'c'], reply(503, 'carrier_auth_failed')],
    ['407, then silence', [407, 'timeout', 'timeout'], ['a', 'b', 'c'], reply(503, 'all_carriers_failed')],
  ];
  for (const [name, steps, tried, verdict] of rows) {
    const r = drive(new CarrierTarget({ hops: three(), patienceMs: 180_000 }), steps);
    assert.deepEqual(
      r.tried.map((t) => t.label),
      tried,
      name,
    );
    for (const [k, v] of Object.entries(verdict))
      assert.equal((r.verdict as Record<string, unknown>)[k], v, `${name}: ${k}`);
  }
});

test('carriers: no candidate at all is 503 all_carriers_failed; Retry-After is reported for the URI', () => {
  assert.deepEqual(drive(new CarrierTarget({ hops: [], patienceMs: 1000 }), []).verdict, {
    relay: false,
    code: 503,
    reason: 'Service Unavailable (no carrier available)',
    cause: 'all_carriers_failed',
  });
  const held: Array<[string, number]> = [];
  const probed = testCarrier('a', [['sip:a', 0, 1]], { probe: true });
  const hops = [carrierHop('a', probed), carrierHop('b')];
  const set = new CarrierTarget({ hops, patienceMs: 1000, onRetryAfter: (id, s) => held.push([id, s]) });
  const retry = (): SipResponse => response(503, [{ name: 'retry-after', value: '30' }]);
  drive(set, [retry(), retry()]);
  assert.deepEqual(held, [['a-0', 30]], 'the probed carrier only');
});

const SECRET = 'carrier-secret';

for (const [status, algorithm] of [
  [401, 'MD5'],
  [407, 'SHA-256'],
] as const) {
  test(`carriers: a ${status} (${algorithm}) is answered once with the carrier's credentials, a new CSeq`, () => {
    const carrier = testCarrier('x', [['sip:127.0.0.1', 0, 1]], { credentials: credentials('acme', 's3cret') });
    const challenge = buildChallenge({ realm: 'carrier.example', algorithm, secret: SECRET, now: Date.now() });
    const header = status === 401 ? 'www-authenticate' : 'proxy-authenticate';
    const attempts: CarrierAttempt[] = [];
    const set = new CarrierTarget({ hops: [carrierHop('x', carrier)], patienceMs: 1000, attempts });
    const first = set.next();
    assert.ok(first);
    assert.equal(set.failed('final', status, response(status, [{ name: header, value: challenge }])), true);
    const retry = set.next();
    assert.ok(retry);
    assert.equal(retry.label, 'x');
    assert.equal(retry.cseqOffset, 1);
    const auth = retry.headers[0];
    assert.equal(auth?.name, status === 401 ? 'authorization' : 'proxy-authorization');
    const v = verifyDigest({
      authorization: auth?.value ?? '',
      method: 'INVITE',
      password: 's3cret',
      realm: 'carrier.example',
      secret: SECRET,
      now: Date.now(),
      nonceTtlSeconds: 60,
    });
    assert.deepEqual(v, { ok: true, username: 'acme' });
    assert.match(auth?.value ?? '', new RegExp(`algorithm=${algorithm}.*qop=auth`));
    // The carrier challenges the answer again: a failure, not a loop.
    assert.equal(set.failed('final', status, response(status, [{ name: header, value: challenge }])), false);
    assert.equal(set.next(), undefined);
    assert.equal(set.verdict().cause, 'carrier_auth_failed');
    assert.deepEqual(
      attempts.map((a) => a.code),
      [status, status],
    );
  });
}

test('carriers: a challenge vsip cannot answer (Basic, auth-int only, no nonce) fails the carrier', () => {
  const carrier = testCarrier('x', [['sip:127.0.0.1', 0, 1]], { credentials: credentials('acme', 's3cret') });
  for (const value of ['Basic realm="x"', 'Digest realm="x", nonce="n", qop="auth-int"', 'Digest realm="x"', '']) {
    const set = new CarrierTarget({ hops: [carrierHop('x', carrier)], patienceMs: 1000 });
    set.next();
    assert.equal(set.failed('final', 401, response(401, [{ name: 'www-authenticate', value }])), false, value);
    assert.equal(set.verdict().cause, 'carrier_auth_failed', value);
  }
});

test('carriers: a challenge of another realm than the configured one is not answered', () => {
  const carrier = testCarrier('x', [['sip:127.0.0.1', 0, 1]], {
    credentials: credentials('acme', 's3cret', 'mine.example'),
  });
  const challenge = buildChallenge({ realm: 'other.example', secret: SECRET, now: Date.now() });
  const set = new CarrierTarget({ hops: [carrierHop('x', carrier), carrierHop('y')], patienceMs: 1000 });
  set.next();
  assert.equal(set.failed('final', 401, response(401, [{ name: 'www-authenticate', value: challenge }])), true);
  assert.equal(set.next()?.label, 'y', 'the next carrier, not the same one again');
});

test('carriers: a 3xx is followed to its Contacts; a redirect loop stays bounded', () => {
  const redirect = (to: string): SipResponse => response(302, [{ name: 'contact', value: `<sip:+1@${to}>` }]);
  // Each carrier redirects to a fresh host, forever.
  const steps: Step[] = [];
  for (let i = 0; i < 20; i++) steps.push(redirect(`10.0.0.${i + 1}`));
  const r = drive(new CarrierTarget({ hops: [carrierHop('a')], patienceMs: 1000 }), steps);
  assert.equal(r.tried.length, 1 + MAX_REDIRECTS);
  assert.equal(r.tried[1]?.requestUri, 'sip:+1@10.0.0.1');
  assert.deepEqual(r.tried[1]?.target, { protocol: 'udp', address: '10.0.0.1', port: 5060 });
  assert.deepEqual(r.verdict, {
    relay: false,
    code: 503,
    reason: 'Service Unavailable (all carriers failed)',
    cause: 'all_carriers_failed',
  });
  // A Contact pointing back at a URI already tried is not tried again.
  const loop = drive(new CarrierTarget({ hops: [carrierHop('a')], patienceMs: 1000 }), [
    redirect('10.0.0.9'),
    response(302, [{ name: 'contact', value: '<sip:+1@10.0.0.9>' }]),
  ]);
  assert.equal(loop.tried.length, 2);
});

test('carriers: a carrier taking none of the offered codecs is skipped with its URIs; none fits is 488', () => {
  const g729 = testCarrier(
    'g729',
    [
      ['sip:g1', 0, 1],
      ['sip:g2', 1, 1],
    ],
    { codecs: ['G729'] },
  );
  const pcma = testCarrier('pcma', [['sip:p1', 0, 1]], { codecs: ['PCMA'] });
  const hops = [carrierHop('g1', g729), carrierHop('g2', g729), carrierHop('p1', pcma)];
  const fits = (c: { codecs: readonly string[] }): boolean => c.codecs.includes('PCMA');
  const r = drive(new CarrierTarget({ hops, patienceMs: 1000, fits }), [503]);
  assert.deepEqual(
    r.tried.map((h) => h.label),
    ['p1'],
  );
  assert.equal(r.verdict.cause, 'all_carriers_failed', 'a tried carrier failed: not a codec verdict');
  const none = drive(new CarrierTarget({ hops, patienceMs: 1000, fits: () => false }), [503]);
  assert.deepEqual(none.tried, []);
  assert.deepEqual(none.verdict, {
    relay: false,
    code: 488,
    reason: 'Not Acceptable Here (no carrier takes the offered codecs)',
    cause: 'no_common_codec',
  });
});
