import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callLogger } from '../../src/gateway/call-logger.js';
import { createLogger } from '../../src/logger.js';
import type { NewCallRecord } from '../../src/store/types.js';

const call = (i: number, finalCode: number, cause: NewCallRecord['cause']): NewCallRecord => ({
  callId: `c${i}`,
  accountSid: 'vsipacc',
  trunkSid: 'trk',
  direction: 'termination',
  caller: '+919800000001',
  callee: '+15005550199',
  sourceIp: '127.0.0.3',
  sourcePort: 5062,
  transport: 'udp',
  finalCode,
  cause,
  destination: null,
  startedAt: '2026-01-01T00:00:00Z',
  answeredAt: null,
  endedAt: '2026-01-01T00:00:00Z',
  durationMs: null,
});

function capture(level: string) {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger(level, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

test(
  'call logger: a failed call is one info line with what explains it; answered calls and digest challenges only ' +
    'at debug',
  () => {
    const { logger, lines } = capture('info');
    const onCall = callLogger(logger);
    onCall(call(1, 403, 'ip_not_whitelisted'));
    onCall(call(2, 200, 'completed'));
    onCall(call(3, 401, 'auth_required'));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.msg, 'call failed: 403 ip_not_whitelisted');
    assert.deepEqual(
      {
        call_id: lines[0]?.call_id,
        trunk: lines[0]?.trunk,
        source: lines[0]?.source,
        code: lines[0]?.code,
        cause: lines[0]?.cause,
        caller: lines[0]?.caller,
      },
      {
        call_id: 'c1',
        trunk: 'trk',
        source: 'udp:127.0.0.3:5062',
        code: 403,
        cause: 'ip_not_whitelisted',
        caller: '+919800000001',
      },
    );

    const debug = capture('debug');
    const onDebug = callLogger(debug.logger);
    onDebug(call(2, 200, 'completed'));
    onDebug(call(3, 401, 'auth_required'));
    assert.deepEqual(
      debug.lines.map((l) => [l.level, l.msg]),
      [
        [20, 'call ended'],
        [20, 'call challenged for digest credentials'],
      ],
    );
  },
);

test(
  'call logger: a flood of failed calls is capped per second and the next line counts what was left ' + 'out',
  async () => {
    const { logger, lines } = capture('info');
    const onCall = callLogger(logger, 5);
    for (let i = 0; i < 100; i++) onCall(call(i, 403, 'caller_id_not_mapped'));
    assert.equal(lines.length, 5);
    assert.ok(lines.every((l) => l.suppressed === undefined));
    await new Promise((r) => setTimeout(r, 1050));
    onCall(call(100, 404, 'invalid_number'));
    assert.equal(lines.length, 6);
    assert.equal(lines[5]?.suppressed, 95);
    assert.equal(lines[5]?.cause, 'invalid_number');
  },
);
