import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Lifecycle } from '../../src/server/lifecycle.js';

function recorder(limitMs = 1000): { lifecycle: Lifecycle; errors: Array<[string, unknown]> } {
  const errors: Array<[string, unknown]> = [];
  return { lifecycle: new Lifecycle({ limitMs, onStepError: (err, step) => errors.push([step, err]) }), errors };
}

test('close runs the steps in reverse order of registration, each awaited before the next', async () => {
  const { lifecycle } = recorder();
  const ran: string[] = [];
  lifecycle.onClose('store', () => ran.push('store'));
  lifecycle.onClose('api', async () => {
    await new Promise((r) => setTimeout(r, 20));
    ran.push('api');
  });
  lifecycle.onClose('gateway', () => ran.push('gateway'));
  assert.equal(await lifecycle.close(), 'closed');
  assert.deepEqual(ran, ['gateway', 'api', 'store']);
});

test('close runs each step once, however often and concurrently it is called', async () => {
  const { lifecycle } = recorder();
  let runs = 0;
  lifecycle.onClose('store', () => runs++);
  const [a, b] = await Promise.all([lifecycle.close(), lifecycle.close()]);
  assert.equal(await lifecycle.close(), 'closed');
  assert.deepEqual([a, b, runs], ['closed', 'closed', 1]);
});

test('a failing step is reported with its name and the steps after it still run', async () => {
  const { lifecycle, errors } = recorder();
  const ran: string[] = [];
  lifecycle.onClose('store', () => ran.push('store'));
  lifecycle.onClose('api', async () => {
    throw new Error('api would not close');
  });
  lifecycle.onClose('gateway', () => {
    throw new Error('gateway would not close');
  });
  assert.equal(await lifecycle.close(), 'closed');
  assert.deepEqual(ran, ['store']);
  assert.deepEqual(
    errors.map(([step, err]) => [step, (err as Error).message]),
    [
      ['gateway', 'gateway would not close'],
      ['api', 'api would not close'],
    ],
  );
});

test('the wait is bounded: a step that never finishes makes close resolve timed-out at the limit', async () => {
  const { lifecycle } = recorder(100);
  lifecycle.onClose('stuck', () => new Promise(() => undefined));
  const started = Date.now();
  assert.equal(await lifecycle.close(), 'timed-out');
  const took = Date.now() - started;
  // At the limit, not before; the upper bound only tells "resolved" from "hung" (a busy machine adds seconds).
  assert.ok(took >= 90 && took < 10_000, `took ${took} ms`);
});

test('a resource registered while closing is under way is closed at once', async () => {
  const { lifecycle } = recorder();
  let release!: () => void;
  lifecycle.onClose('slow', () => new Promise<void>((r) => (release = r)));
  const closing = lifecycle.close();
  let late = false;
  lifecycle.onClose('late', () => (late = true));
  assert.equal(late, true);
  release();
  assert.equal(await closing, 'closed');
});

test(
  'exitOnSignals: the first signal closes and exits 0, a second one is ignored; past the limit it exits ' + '1',
  async () => {
    const target = new EventEmitter();
    const { lifecycle } = recorder();
    const exits: number[] = [];
    const seen: string[] = [];
    let closed = 0;
    lifecycle.onClose('store', () => closed++);
    lifecycle.exitOnSignals(target, ['SIGTERM', 'SIGINT'], (code) => exits.push(code), {
      stopping: (s) => seen.push(s),
      stopped: (o) => seen.push(o),
    });
    target.emit('SIGINT');
    target.emit('SIGTERM');
    await lifecycle.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual({ exits, seen, closed }, { exits: [0], seen: ['SIGINT', 'closed'], closed: 1 });

    const stuck = recorder(50).lifecycle;
    stuck.onClose('stuck', () => new Promise(() => undefined));
    const stuckExits: number[] = [];
    stuck.exitOnSignals(target, ['SIGTERM'], (code) => stuckExits.push(code));
    target.emit('SIGTERM');
    assert.equal(await stuck.close(), 'timed-out');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(stuckExits, [1]);
  },
);
