import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRecord } from '../../src/client/types.js';
import { explainCall } from '../../src/cli/knowledge/explain-call.js';
import { mediaFinding } from '../../src/cli/knowledge/media-finding.js';

const call = (cause: string, pbx: number, carrier: number): CallRecord => ({
  id: '1',
  call_id: 'c1@pbx',
  caller: '+919800000001',
  callee: '+14155550100',
  direction: 'termination',
  source_ip: '203.0.113.7',
  source_port: 5060,
  transport: 'udp',
  final_code: 200,
  cause,
  started_at: '2026-01-01T00:00:00Z',
  media: {
    engine: 'udp:127.0.0.1:2223',
    pbx: { packets: pbx, from: pbx > 0 ? '203.0.113.7:40000' : null, codec: 'PCMU/8000' },
    carrier: { packets: carrier, from: carrier > 0 ? '198.51.100.1:30000' : null, codec: 'PCMU/8000' },
  },
});

test('explain: the no-audio tree with the call media facts (which side sent 0 packets, what to open)', () => {
  assert.match(
    mediaFinding(call('one_way_audio', 0, 500)) ?? '',
    /^the PBX sent 0 packets \(the carrier sent 500 from 198\.51\.100\.1:30000\): open UDP 10000-20000/,
  );
  assert.match(
    mediaFinding(call('one_way_audio', 500, 0)) ?? '',
    /^the carrier sent 0 packets \(the PBX sent 500 from 203\.0\.113\.7:40000\)/,
  );
  assert.match(mediaFinding(call('no_media', 0, 0)) ?? '', /no RTP from either side/);
  assert.match(mediaFinding(call('completed', 10, 12)) ?? '', /RTP both ways/);
  assert.equal(mediaFinding({ ...call('completed', 1, 1), media: null }), null);
  const e = explainCall(call('one_way_audio', 0, 500));
  assert.equal(e.topic, 'no-audio');
  assert.match(e.media ?? '', /PBX sent 0 packets/);
  assert.match(e.explanation, /one side only/);
});
