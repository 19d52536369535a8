export interface OverloadGuardOptions {
  /** Calls in progress or answered (both directions) at which new INVITEs get 503; 0 = no limit. */
  maxCalls: number;
  /** Live SIP transactions (all sides) at which new out-of-dialog requests are dropped unanswered; 0 = no limit. */
  maxTransactions: number;
  /** Event-loop lag (ms) above which new INVITEs get 503 until it falls under half of it; 0 = off. */
  maxLagMs: number;
  /** Seconds put in Retry-After (RFC 3261 §20.33) of the 503. */
  retryAfterSeconds: number;
  activeCalls: () => number;
  activeTransactions: () => number;
  /** How often the event-loop lag is sampled (ms, default 50). */
  sampleMs?: number;
}

export type OverloadReason = 'calls' | 'lag';

/**
 * Overload control at the gateway's entry (the "503 instead of slowing every call down").
 * A new INVITE is refused with 503 + Retry-After before any policy work when one of three cheap
 * signals is over its mark: calls carried (a configured high-water mark), event-loop lag (measured
 * as the drift of a short interval timer, with hysteresis so the state does not flap), or — for
 * every new out-of-dialog request — the live transaction count, where the request is dropped
 * without a transaction so the table cannot grow past its cap (RFC 6357 §4: a server that is
 * already saturated gains nothing by answering). In-dialog requests (ACK, BYE, re-INVITE) and
 * retransmissions absorbed by existing transactions never reach this check.
 */
export class OverloadGuard {
  readonly retryAfter: string;
  /** Last lag sample (ms) and whether lag currently refuses calls. */
  lagMs = 0;
  lagging = false;
  readonly refused: Record<OverloadReason, number> = { calls: 0, lag: 0 };
  dropped = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: OverloadGuardOptions) {
    this.retryAfter = String(o.retryAfterSeconds);
  }

  start(): void {
    if (this.o.maxLagMs <= 0 || this.timer !== null) return;
    const every = this.o.sampleMs ?? 50;
    let expected = performance.now() + every;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(0, now - expected);
      expected = now + every;
      if (this.lagMs > this.o.maxLagMs) this.lagging = true;
      else if (this.lagMs < this.o.maxLagMs / 2) this.lagging = false;
    }, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** null when a new call may start; else why it is refused (counted). */
  admitCall(): OverloadReason | null {
    const max = this.o.maxCalls;
    if (max > 0 && this.o.activeCalls() >= max) {
      this.refused.calls++;
      return 'calls';
    }
    if (this.lagging) {
      this.refused.lag++;
      return 'lag';
    }
    return null;
  }

  /** false when the transaction table is full: the new request should be dropped (counted). */
  admitTransaction(): boolean {
    const max = this.o.maxTransactions;
    if (max > 0 && this.o.activeTransactions() > max) {
      this.dropped++;
      return false;
    }
    return true;
  }
}
