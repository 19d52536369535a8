import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { bdecode, bencode, type BValue } from '../../src/media/bencode.js';
import { MediaAnchor } from '../../src/media/media-anchor.js';
import type { NgDict } from '../../src/media/ng-client.js';
import { RtpenginePool } from '../../src/media/rtpengine-pool.js';

const LEG = { pbxSource: '127.0.0.2', srtpPbx: false, codecs: ['PCMU'], srtpCarrier: false, carrierCodecs: [] };

/** rtpengine's per-tag statistics for a call where `pbx` sent 5 packets and `carrier` 3. */
function stats(): NgDict {
  const tag = (name: string, packets: number): BValue => ({
    tag: name,
    medias: [
      {
        codec: 'PCMU/8000',
        streams: [
          {
            flags: ['RTP'],
            endpoint: { address: '127.0.0.9', port: 4000 },
            'last packet': 1,
            stats: { packets, bytes: packets * 172, errors: 0 },
          },
        ],
      },
    ],
  });
  return { tags: { pbx: tag('pbx', 5), carrier: tag('carrier', 3) }, totals: { RTP: { packets: 8 } }, SSRC: {} };
}

/**
 * A stand-in engine recording each command. `delete` answers with the call's stats when it names a
 * tag (as rtpengine does), or with only a warning when `tagless` (a tag it did not know).
 */
async function engine(tagless: boolean): Promise<{ port: number; seen: NgDict[]; close(): void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const seen: NgDict[] = [];
  s.on('message', (m, from) => {
    const space = m.indexOf(0x20);
    const cmd = bdecode(m, space + 1) as NgDict;
    seen.push(cmd);
    let reply: NgDict = { result: 'ok' };
    if (cmd.command === 'offer' || cmd.command === 'answer') reply = { result: 'ok', sdp: 'v=0\r\n' };
    else if (cmd.command === 'query') reply = { result: 'ok', ...stats() };
    else if (cmd.command === 'delete' && cmd['from-tag'] !== undefined)
      reply = tagless
        ? { result: 'ok', warning: "Call-ID not found or tags didn't match" }
        : { result: 'ok', ...stats() };
    s.send(Buffer.concat([m.subarray(0, space + 1), bencode(reply)]), from.port, from.address);
  });
  return { port: s.address().port, seen, close: () => s.close() };
}

async function endedCall(tagless: boolean): Promise<{ seen: NgDict[]; facts: unknown; sessions: number }> {
  const e = await engine(tagless);
  const anchor = new MediaAnchor(new RtpenginePool([{ host: '127.0.0.1', port: e.port, weight: 1 }]));
  try {
    const call = anchor.call('c1', 'pbx', 'pbx', LEG);
    await call.offer('v=0\r\nm=audio 4000 RTP/AVP 0\r\n', 'pbx', null);
    await call.answer('v=0\r\nm=audio 4002 RTP/AVP 0\r\n', 'pbx', 'carrier');
    const facts = await call.end();
    return { seen: e.seen, facts, sessions: anchor.counters.sessions };
  } finally {
    await anchor.close();
    e.close();
  }
}

test('a call ends with one delete naming the opener tag, and its reply gives the media facts', async () => {
  const { seen, facts, sessions } = await endedCall(false);
  assert.deepEqual(
    seen.map((c) => c.command),
    ['offer', 'answer', 'delete'],
  );
  const del = seen[2] as NgDict;
  assert.equal(del['from-tag'], 'pbx');
  assert.equal(del['delete-delay'], 0);
  const f = facts as { pbx: { packets: number; from: string }; carrier: { packets: number } };
  assert.equal(f.pbx.packets, 5);
  assert.equal(f.pbx.from, '127.0.0.9:4000');
  assert.equal(f.carrier.packets, 3);
  assert.equal(sessions, 0);
});

test('a delete answered without stats falls back to query and an untagged delete, facts intact', async () => {
  const { seen, facts } = await endedCall(true);
  assert.deepEqual(
    seen.map((c) => c.command),
    ['offer', 'answer', 'delete', 'query', 'delete'],
  );
  assert.equal((seen[4] as NgDict)['from-tag'], undefined);
  assert.equal((facts as { carrier: { packets: number } }).carrier.packets, 3);
});

test('many commands in one turn: each gets its own reply (cookies unique, sends batched)', async () => {
  const e = await engine(false);
  const pool = new RtpenginePool([{ host: '127.0.0.1', port: e.port, weight: 1 }]);
  try {
    const [eng] = pool.engines;
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => pool.send(eng as never, { command: i % 2 ? 'query' : 'ping' })),
    );
    assert.equal(e.seen.length, 200);
    for (const [i, r] of replies.entries()) assert.equal(r.totals !== undefined, i % 2 === 1, `reply ${i}`);
  } finally {
    pool.close();
    e.close();
  }
});
