import type { CallMediaReport } from './call-media-table.js';

/**
 * One line saying what audio a call had, for the simulator's log at call end and `vsip pstn-sim`:
 * enough to tell two-way audio from one-way or none without a packet capture.
 */
export function formatMediaReport(r: CallMediaReport): string {
  const secs = (((r.endedAt ?? Date.now()) - r.startedAt) / 1000).toFixed(1);
  const s = r.sent;
  const rx = r.received;
  const sent =
    s.packets === 0
      ? 'sent no RTP'
      : `sent ${s.packets} ${r.codec ?? ''} packets (${s.bytes} B) to ${r.remote ?? '?'}` +
        `${r.latched ? ' (latched)' : ''}${s.errors > 0 ? `, ${s.errors} send errors` : ''}`;
  const received =
    rx.packets === 0
      ? `received no RTP${rx.ignored > 0 ? ` (${rx.ignored} packets ignored)` : ''}`
      : `received ${rx.packets} packets (${rx.bytes} B) from ${rx.sources.join(', ')}, ` +
        `PT ${rx.payloadTypes.join('/')}, lost ${rx.lost}` +
        `${rx.telephoneEvents > 0 ? `, ${rx.telephoneEvents} telephone-events` : ''}`;
  const end = r.endedBy === null ? 'up' : `ended (${r.endedBy})`;
  return `media ${r.callId} ${r.number ?? ''} ${end} after ${secs} s on ${r.local}: ${sent}; ${received}`;
}
