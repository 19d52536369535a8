import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { bdecode, bencode, type BValue } from '../../src/media/bencode.js';
import { NgClient, NgError } from '../../src/media/ng-client.js';

interface Arrival {
  cookie: string;
  command: string;
  at: number;
}

/**
 * A stand-in engine that records each datagram (cookie, command, arrival time) and answers
 * `result: ok` unless told to drop the first `drop` datagrams or stay `mute`.
 */
async function recordingEngine(): Promise<{
  port: number;
  arrivals: Arrival[];
  drop: number;
  mute: boolean;
  close(): void;
}> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const e = { port: s.address().port, arrivals: [] as Arrival[], drop: 0, mute: false, close: () => s.close() };
  s.on('message', (m, from) => {
    const space = m.indexOf(0x20);
    const cookie = m.toString('latin1', 0, space);
    const body = bdecode(m, space + 1) as { [k: string]: BValue };
    e.arrivals.push({ cookie, command: String(body.command), at: performance.now() });
    if (e.mute) return;
    if (e.drop > 0) {
      e.drop--;
      return;
    }
    s.send(Buffer.concat([m.subarray(0, space + 1), bencode({ result: 'ok', echo: body })]), from.port, from.address);
  });
  return e;
}

test('ng client: a lost command is sent again with the same cookie and answered once', async () => {
  const engine = await recordingEngine();
  const ng = new NgClient({ host: '127.0.0.1', port: engine.port, timeoutMs: 5000, retransmitMs: 100, coalesceMs: 0 });
  try {
    engine.drop = 2;
    const t0 = performance.now();
    const reply = await ng.command({ command: 'offer', 'call-id': 'c1', sdp: 'v=0\r\ns=café\r\n' });
    assert.equal(reply.result, 'ok');
    // The reply's strings decode as UTF-8 (the SDP's é survives the round trip).
    assert.deepEqual(reply.echo, { command: 'offer', 'call-id': 'c1', sdp: 'v=0\r\ns=café\r\n' });
    assert.equal(engine.arrivals.length, 3, 'the first send and two retransmissions');
    assert.equal(new Set(engine.arrivals.map((a) => a.cookie)).size, 1, 'one cookie for all three');
    // The second retransmission cannot leave before two intervals (arrival gaps say nothing on a busy
    // machine: the engine may read the first datagram late and the next at once).
    const third = (engine.arrivals[2] as Arrival).at - t0;
    assert.ok(third >= 190, `retransmitted after the interval, not before: the third send came at ${third} ms`);
  } finally {
    ng.close();
    engine.close();
  }
});

test('ng client: an engine that never answers fails the command at its deadline, sent again until then', async () => {
  const engine = await recordingEngine();
  const ng = new NgClient({ host: '127.0.0.1', port: engine.port, timeoutMs: 450, retransmitMs: 100, coalesceMs: 0 });
  try {
    engine.mute = true;
    const t0 = performance.now();
    await assert.rejects(ng.command({ command: 'query', 'call-id': 'c2' }), (err: unknown) => {
      assert.ok(err instanceof NgError);
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /did not answer query/);
      return true;
    });
    assert.ok(performance.now() - t0 >= 440, 'not before the deadline');
    // Sent at 0, then every 100 ms before 450: 100, 200, 300, 400 (a late timer sends fewer, never more).
    assert.ok(engine.arrivals.length >= 2 && engine.arrivals.length <= 5, `${engine.arrivals.length} sends`);
    const sends = engine.arrivals.length;
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(engine.arrivals.length, sends, 'nothing is sent after the deadline');
  } finally {
    ng.close();
    engine.close();
  }
});

test('ng client: under load commands leave in batches, coalesceMs or more after the previous batch', async () => {
  const engine = await recordingEngine();
  const ng = new NgClient({ host: '127.0.0.1', port: engine.port, timeoutMs: 5000, coalesceMs: 300 });
  try {
    // Idle: the first command leaves at once (its reply comes long before the window would have ended).
    const t0 = performance.now();
    await ng.command({ command: 'ping' });
    const first = engine.arrivals[0] as Arrival;
    // Three more, from three event-loop turns, while the first batch is less than 300 ms old.
    const more = [ng.command({ command: 'offer' })];
    await new Promise((r) => setImmediate(r));
    more.push(ng.command({ command: 'answer' }));
    await new Promise((r) => setImmediate(r));
    more.push(ng.command({ command: 'delete' }));
    await Promise.all(more);
    const batch = engine.arrivals.slice(1);
    assert.deepEqual(
      batch.map((a) => a.command),
      ['offer', 'answer', 'delete'],
    );
    for (const a of batch)
      assert.ok(a.at - first.at >= 250, `held for the window: ${Math.round(a.at - first.at)} ms after the first`);
    assert.ok(first.at - t0 < 250, 'the idle command was not held');
  } finally {
    ng.close();
    engine.close();
  }
});

test('ng client: commands after close are refused, and pending ones end with "closed"', async () => {
  const engine = await recordingEngine();
  engine.mute = true;
  const ng = new NgClient({ host: '127.0.0.1', port: engine.port, timeoutMs: 5000 });
  const pending = ng.command({ command: 'offer' });
  await new Promise((r) => setTimeout(r, 50));
  ng.close();
  await assert.rejects(pending, (err: unknown) => err instanceof NgError && err.kind === 'closed');
  await assert.rejects(
    ng.command({ command: 'ping' }),
    (err: unknown) => err instanceof NgError && err.kind === 'closed',
  );
  engine.close();
});
