import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import { parseAuthorization, type DigestCredentials } from '../../src/sip/auth/parse-authorization.js';
import { authenticateDigest } from '../../src/gateway/authenticate-digest.js';
import { DigestGuard } from '../../src/gateway/digest-guard.js';

/**
 * The digest sequence of the registrar and termination: only a wrong answer to a live challenge
 * issued to the same address counts as a guess; anything else gets a fresh challenge.
 */
const PBX = '192.0.2.10';
const OTHER = '192.0.2.99';
const URI = 'sip:pstn.exotel.com';

function setup(): {
  guard: DigestGuard;
  clock: { t: number };
  answer: (from: string, password: string, challengeTo?: string) => DigestCredentials;
} {
  const clock = { t: 1_700_000_000_000 };
  const guard = new DigestGuard({
    realm: 'pstn.exotel.com',
    secret: 's3cret',
    maxFailures: 3,
    nonceTtlSeconds: 300,
    now: () => clock.t,
  });
  const answer = (from: string, password: string, challengeTo = from): DigestCredentials => {
    const [challenge] = guard.challenges(false, challengeTo);
    const creds = parseAuthorization(
      answerChallenge({ challenge: challenge as string, method: 'REGISTER', uri: URI, username: 'trunk1', password }),
    );
    assert.ok(creds !== null);
    return creds;
  };
  return { guard, clock, answer };
}

const run = (guard: DigestGuard, credentials: DigestCredentials | null, password: string | null, source = PBX) =>
  authenticateDigest(guard, { credentials, method: 'REGISTER', password, source });

test('authenticateDigest: no credentials → challenge; the right password → ok', () => {
  const { guard, answer } = setup();
  assert.deepEqual(run(guard, null, 'pw'), { kind: 'challenge', stale: false });
  assert.deepEqual(run(guard, answer(PBX, 'pw'), 'pw'), { kind: 'ok' });
});

test(
  'authenticateDigest: wrong answers to our own challenges count and block; then even the right password is ' +
    'refused',
  () => {
    const { guard, answer } = setup();
    assert.deepEqual(run(guard, answer(PBX, 'guess'), 'pw'), { kind: 'failed' });
    assert.deepEqual(
      run(guard, answer(PBX, 'guess'), null),
      { kind: 'failed' },
      'an unknown username is a failure too',
    );
    assert.deepEqual(run(guard, answer(PBX, 'guess'), 'pw'), { kind: 'blocked', failed: true });
    assert.deepEqual(run(guard, answer(PBX, 'pw'), 'pw'), { kind: 'blocked', failed: false });
    assert.deepEqual(run(guard, null, 'pw'), { kind: 'blocked', failed: false });
  },
);

test('authenticateDigest: answers to a nonce never issued, issued to another address, or expired count nothing', () => {
  const { guard, clock, answer } = setup();
  const forged = { ...answer(PBX, 'guess'), nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(run(guard, forged, 'pw'), { kind: 'challenge', stale: false }, 'forged nonce');
    assert.deepEqual(
      run(guard, answer(PBX, 'guess', OTHER), 'pw'),
      { kind: 'challenge', stale: false },
      "another address's nonce",
    );
  }
  const old = answer(PBX, 'guess');
  const oldRight = answer(PBX, 'pw');
  clock.t += 301_000;
  assert.deepEqual(run(guard, old, 'pw'), { kind: 'challenge', stale: false }, 'expired nonce, wrong password');
  assert.deepEqual(
    run(guard, oldRight, 'pw'),
    { kind: 'challenge', stale: true },
    'expired nonce, right password: stale',
  );
  assert.equal(guard.failureCount, 0);
  assert.deepEqual(run(guard, answer(PBX, 'pw'), 'pw'), { kind: 'ok' });
});
