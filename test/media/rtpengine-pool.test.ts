import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { bdecode, bencode } from '../../src/media/bencode.js';
import { NgError } from '../../src/media/ng-client.js';
import { parseEngineList } from '../../src/media/parse-engine-list.js';
import { RtpenginePool } from '../../src/media/rtpengine-pool.js';

/** A stand-in engine: answers every command `result: ok` (or nothing while `mute`), counting them. */
async function fakeEngine(): Promise<{ port: number; got: number; mute: boolean; close(): void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const e = {
    port: s.address().port,
    got: 0,
    mute: false,
    close: () => s.close(),
  };
  s.on('message', (m, from) => {
    const space = m.indexOf(0x20);
    bdecode(m, space + 1);
    e.got++;
    if (e.mute) return;
    s.send(
      Buffer.concat([m.subarray(0, space + 1), bencode({ result: 'ok', sdp: 'v=0\r\n' })]),
      from.port,
      from.address,
    );
  });
  return e;
}

test('engine list: weights, IPv6, and a clear error for a bad entry', () => {
  assert.deepEqual(parseEngineList('udp:10.0.0.5:2223=3,udp:[::1]:2224'), [
    { host: '10.0.0.5', port: 2223, weight: 3 },
    { host: '::1', port: 2224, weight: 1 },
  ]);
  assert.throws(() => parseEngineList('tcp:1.2.3.4'), /is not udp:<host>:<port>/);
  assert.throws(() => parseEngineList('udp:1.2.3.4:0'), /is not udp/);
});

test('pool: new calls spread by weight; a dead engine is skipped, then retried after its pause', async () => {
  const a = await fakeEngine();
  const b = await fakeEngine();
  let now = 0;
  const pool = new RtpenginePool(
    [
      { host: '127.0.0.1', port: a.port, weight: 3 },
      { host: '127.0.0.1', port: b.port, weight: 1 },
    ],
    { timeoutMs: 300, retryAfterMs: 10_000, now: () => now },
  );
  try {
    for (let i = 0; i < 200; i++) await pool.open({ command: 'offer' });
    assert.ok(a.got > b.got * 1.5, `weight 3 vs 1: ${a.got} vs ${b.got}`);
    assert.ok(b.got > 0);

    a.mute = true;
    const before = b.got;
    // Every call still gets an engine: the one that does not answer is marked down and b takes it.
    for (let i = 0; i < 5; i++) assert.equal((await pool.open({ command: 'offer' })).engine.client.o.port, b.port);
    assert.equal(b.got, before + 5);
    const aGot = a.got;
    for (let i = 0; i < 5; i++) await pool.open({ command: 'offer' });
    assert.equal(a.got, aGot, 'a dead engine gets no new calls during its pause');

    a.mute = false;
    now += 10_001;
    let toA = 0;
    for (let i = 0; i < 20; i++) if ((await pool.open({ command: 'offer' })).engine.client.o.port === a.port) toA++;
    assert.ok(toA > 0, 'retried after the pause');

    a.mute = true;
    b.mute = true;
    await assert.rejects(pool.open({ command: 'offer' }), (e: unknown) => e instanceof NgError && e.kind === 'timeout');
  } finally {
    pool.close();
    a.close();
    b.close();
  }
});
