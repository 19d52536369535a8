import { Counter, Gauge, type Registry } from 'prom-client';
import type { DigestGuard } from './digest-guard.js';
import type { OverloadGuard } from './overload-guard.js';
import type { Pike } from './pike.js';
import type { TrunkLimits } from './trunk-limits.js';

export interface LimitSources {
  overload: OverloadGuard;
  pike: Pike;
  guard: DigestGuard;
  trunkLimits: TrunkLimits;
  dialogs: () => number;
  callLogBuffered: () => number;
}

/**
 * Prometheus view of every gateway limit: what each one refused and how full each
 * bounded table is. All values are plain fields read at scrape time, so the limits themselves
 * cost nothing extra per request. Refused calls also appear in `vsip_sip_calls_total` by cause.
 */
export function registerLimitMetrics(registry: Registry, s: LimitSources): void {
  new Counter({
    name: 'vsip_sip_overload_refused_total',
    help:
      'New INVITEs answered 503 by overload control, by signal (calls high-water mark, event-loop lag, ' +
      'event-loop utilisation)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reason: 'calls' }, s.overload.refused.calls);
      this.inc({ reason: 'lag' }, s.overload.refused.lag);
      this.inc({ reason: 'load' }, s.overload.refused.load);
    },
  });
  new Counter({
    name: 'vsip_sip_requests_dropped_total',
    help: 'Requests dropped unanswered: pike = source over --sip-pike-rate, transactions = transaction table full',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reason: 'pike' }, s.pike.dropped);
      this.inc({ reason: 'transactions' }, s.overload.dropped);
    },
  });
  new Counter({
    name: 'vsip_sip_pike_blocks_total',
    help: 'Source IPs blocked for flooding',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(s.pike.blocks);
    },
  });
  new Counter({
    name: 'vsip_sip_auth_failures_total',
    help: 'Failed SIP digest attempts (REGISTER and INVITE)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(s.guard.failureCount);
    },
  });
  new Counter({
    name: 'vsip_sip_auth_blocks_total',
    help: 'Source IPs blocked after too many failed digest attempts',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(s.guard.blockCount);
    },
  });
  new Gauge({
    // Seconds, the Prometheus base unit (promtool flags `_ms`).
    name: 'vsip_sip_event_loop_lag_seconds',
    help: 'Last event-loop lag sample of the overload guard (0 when --sip-max-lag is 0)',
    // With --sip-workers the primary merges the workers' registries: the worst worker, not a sum.
    aggregator: 'max',
    registers: [registry],
    collect() {
      this.set(s.overload.lagMs / 1000);
    },
  });
  new Gauge({
    name: 'vsip_sip_admit_ratio',
    help: 'Share of new INVITEs overload control admits now (1 = all; below 1 while over --sip-max-load)',
    aggregator: 'min',
    registers: [registry],
    collect() {
      this.set(s.overload.admitShare);
    },
  });
  new Gauge({
    name: 'vsip_gateway_table_entries',
    help: 'Entries in each bounded gateway table',
    labelNames: ['table'],
    registers: [registry],
    collect() {
      this.set({ table: 'dialogs' }, s.dialogs());
      this.set({ table: 'pike_sources' }, s.pike.size);
      this.set({ table: 'auth_failure_sources' }, s.guard.trackedSources);
      this.set({ table: 'trunk_limits' }, s.trunkLimits.trackedTrunks);
      this.set({ table: 'call_log_buffer' }, s.callLogBuffered());
    },
  });
}
