import { Counter, Gauge, type Registry } from 'prom-client';
import type { SipCounters } from '../sip/index.js';
import type { CallDirection } from '../store/types.js';

/**
 * The gateway's Prometheus metrics. Labelled children are cached by key so the per-call cost is one
 * Map probe and an increment, not prom-client's label hashing. The SIP core's plain counters are
 * read only when Prometheus scrapes (`collect`).
 */
export class GatewayMetrics {
  private readonly calls: Counter<'direction' | 'code' | 'cause'>;
  private readonly registrations: Counter<'result'>;
  readonly activeCalls: Gauge<'direction'>;
  private readonly callChildren = new Map<string, { inc(): void }>();
  private readonly regChildren = new Map<string, { inc(): void }>();
  private readonly active: Record<CallDirection, { inc(): void; dec(): void }>;
  /** Calls in progress or answered, both directions (the overload guard's high-water signal). */
  activeCount = 0;

  constructor(registry: Registry, counters: () => SipCounters[], callLogDropped: () => number) {
    this.calls = new Counter({
      name: 'vsip_sip_calls_total',
      help: 'Call attempts by direction, final SIP code and cause',
      labelNames: ['direction', 'code', 'cause'],
      registers: [registry],
    });
    this.registrations = new Counter({
      name: 'vsip_sip_registrations_total',
      help: 'REGISTER requests by result',
      labelNames: ['result'],
      registers: [registry],
    });
    this.activeCalls = new Gauge({
      name: 'vsip_sip_active_calls',
      help: 'Calls in progress (INVITE sent, not yet ended)',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.active = {
      termination: this.activeCalls.labels('termination'),
      origination: this.activeCalls.labels('origination'),
    };
    const sum = (pick: (c: SipCounters) => number): number => counters().reduce((n, c) => n + pick(c), 0);
    new Counter({
      name: 'vsip_sip_messages_total',
      help: 'SIP messages by direction and transport',
      labelNames: ['direction', 'transport'],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of ['udp', 'tcp', 'tls'] as const) {
          this.inc(
            { direction: 'in', transport: p },
            sum((c) => c.messagesIn[p]),
          );
          this.inc(
            { direction: 'out', transport: p },
            sum((c) => c.messagesOut[p]),
          );
        }
      },
    });
    new Counter({
      name: 'vsip_sip_transactions_total',
      help: 'SIP transactions created, by kind',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc(
          { kind: 'client' },
          sum((c) => c.transactionsCreated.client),
        );
        this.inc(
          { kind: 'server' },
          sum((c) => c.transactionsCreated.server),
        );
      },
    });
    new Counter({
      name: 'vsip_sip_transaction_timeouts_total',
      help: 'SIP transactions that timed out, by kind',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc(
          { kind: 'client' },
          sum((c) => c.transactionsTimedOut.client),
        );
        this.inc(
          { kind: 'server' },
          sum((c) => c.transactionsTimedOut.server),
        );
      },
    });
    new Gauge({
      name: 'vsip_sip_active_transactions',
      help: 'SIP transactions alive now',
      registers: [registry],
      collect() {
        this.set(sum((c) => c.activeTransactions));
      },
    });
    new Counter({
      name: 'vsip_sip_steered_datagrams_total',
      help:
        'With --sip-workers: UDP datagrams handed to the worker their Call-ID belongs to (out) and taken from ' +
        'another worker (in)',
      labelNames: ['direction'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc(
          { direction: 'out' },
          sum((c) => c.steeredOut),
        );
        this.inc(
          { direction: 'in' },
          sum((c) => c.steeredIn),
        );
      },
    });
    new Counter({
      name: 'vsip_call_log_dropped_total',
      help: 'Call log records dropped because the buffer was full or the store failed',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(callLogDropped());
      },
    });
  }

  call(direction: CallDirection, code: number, cause: string): void {
    const key = `${direction}|${code}|${cause}`;
    let child = this.callChildren.get(key);
    if (child === undefined) {
      child = this.calls.labels(direction, String(code), cause);
      this.callChildren.set(key, child);
    }
    child.inc();
  }

  registration(result: 'ok' | 'challenged' | 'failed' | 'blocked' | 'removed' | 'disabled' | 'refused'): void {
    let child = this.regChildren.get(result);
    if (child === undefined) {
      child = this.registrations.labels(result);
      this.regChildren.set(result, child);
    }
    child.inc();
  }

  callStarted(direction: CallDirection): void {
    this.activeCount++;
    this.active[direction].inc();
  }

  callEnded(direction: CallDirection): void {
    this.activeCount--;
    this.active[direction].dec();
  }
}
