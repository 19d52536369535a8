import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/api/rate-limiter.js';

test('many other keys cannot reset one key’s failed-login budget', () => {
  const failures = new RateLimiter(5, 1000);
  const t0 = 1_000_000;
  for (let i = 0; i < 5; i++) failures.take('203.0.113.9', t0);
  assert.equal(failures.exhausted('203.0.113.9', t0), true);
  // An attacker with many addresses: far more keys than the table holds, all in the same minute.
  for (let i = 0; i < 50_000; i++) failures.take(`2001:db8::${i.toString(16)}`, t0 + 1 + (i % 1000));
  assert.equal(failures.exhausted('203.0.113.9', t0 + 2000), true, 'the budget of the guessing key survived');
  assert.equal(failures.take('203.0.113.9', t0 + 2000)?.allowed, false);
  assert.ok(failures.size <= 1000, `table bounded: ${failures.size}`);
});

test('keys that do not fit share one overflow budget, and a new minute frees the table', () => {
  const l = new RateLimiter(3, 2);
  const t0 = 5_000_000;
  l.take('a', t0);
  l.take('b', t0);
  // The table is full of live windows: c, d and e share one budget of 3.
  assert.equal(l.take('c', t0)?.allowed, true);
  assert.equal(l.take('d', t0)?.allowed, true);
  assert.equal(l.take('e', t0)?.allowed, true);
  assert.equal(l.take('c', t0)?.allowed, false);
  assert.equal(l.exhausted('f', t0), true);
  // a and b keep their own counts.
  assert.equal(l.take('a', t0)?.remaining, 1);
  // A minute later expired windows are swept and new keys get their own again.
  assert.equal(l.take('c', t0 + 60_000)?.remaining, 2);
  assert.equal(l.exhausted('f', t0 + 60_000), false);
});

test('a window renews after a minute; limit 0 turns limiting off', () => {
  const l = new RateLimiter(1);
  assert.equal(l.take('k', 0)?.allowed, true);
  assert.equal(l.take('k', 59_999)?.allowed, false);
  assert.equal(l.take('k', 60_000)?.allowed, true);
  assert.equal(new RateLimiter(0).take('k'), null);
  assert.equal(new RateLimiter(0).exhausted('k'), false);
});
