import type { Logger } from '../logger.js';
import type { NewCallRecord } from '../store/types.js';

/** Failed-call lines allowed per second before the rest are only counted. */
const DEFAULT_LINES_PER_SECOND = 20;

/**
 * The operator's view of the call log in the process log: one `info` line per failed call
 * (final code ≥ 300, with trunk, caller, callee, source, code and cause: what `vsip explain
 * <call_id>` needs), answered calls and digest challenges at `debug`. A scanner's flood of 403s
 * must not become a log flood: past `linesPerSecond` failed-call lines in a second the rest are
 * counted, and the next line says how many were left out (`suppressed`). The full record is
 * always in the call log (`GET …/calls`).
 */
export function callLogger(log: Logger, linesPerSecond = DEFAULT_LINES_PER_SECOND): (call: NewCallRecord) => void {
  let windowStart = 0;
  let linesInWindow = 0;
  let suppressed = 0;
  return (call) => {
    const code = call.finalCode ?? 0;
    const failed = code >= 300 && call.cause !== 'auth_required';
    if (!failed) {
      if (log.isLevelEnabled('debug'))
        log.debug(fields(call), code < 300 ? 'call ended' : 'call challenged for digest credentials');
      return;
    }
    if (!log.isLevelEnabled('info')) return;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      linesInWindow = 0;
    }
    if (linesInWindow >= linesPerSecond) {
      suppressed++;
      return;
    }
    linesInWindow++;
    log.info(
      { ...fields(call), ...(suppressed > 0 ? { suppressed } : {}) },
      `call failed: ${call.finalCode} ${call.cause}`,
    );
    suppressed = 0;
  };
}

function fields(c: NewCallRecord): Record<string, unknown> {
  return {
    call_id: c.callId,
    account: c.accountSid,
    trunk: c.trunkSid,
    direction: c.direction,
    caller: c.caller,
    callee: c.callee,
    source: `${c.transport}:${c.sourceIp}:${c.sourcePort}`,
    code: c.finalCode,
    cause: c.cause,
    ...(c.destination ? { destination: c.destination } : {}),
    ...(c.durationMs !== null ? { duration_ms: c.durationMs } : {}),
  };
}
