export interface OverloadGuardOptions {
  /** Calls in progress or answered (both directions) at which new INVITEs get 503; 0 = no limit. */
  maxCalls: number;
  /** Live SIP transactions (all sides) at which new out-of-dialog requests are dropped unanswered; 0 = no limit. */
  maxTransactions: number;
  /** Event-loop lag (ms) above which new INVITEs get 503 until it falls under half of it; 0 = off. */
  maxLagMs: number;
  /**
   * Event-loop utilisation (0–1) the gateway steers to under load; above it a growing share of
   * new INVITEs is refused (0 = off). Only while at least `minMessagesPerSecond` SIP messages
   * arrive, so a busy process that is not busy with SIP (start-up, a test) refuses nothing.
   */
  targetLoad: number;
  minMessagesPerSecond?: number;
  /** SIP messages received so far (all sides), to tell SIP load from other work. */
  messagesIn?: () => number;
  /** Seconds put in Retry-After (RFC 3261 §20.33) of the 503. */
  retryAfterSeconds: number;
  activeCalls: () => number;
  activeTransactions: () => number;
  /** How often the event-loop lag is sampled (ms, default 50; the gateway uses 100). */
  sampleMs?: number;
  /**
   * Where the readings come from (default: this process's event loop). A test of overload control
   * gives its own, so that what it asserts does not depend on how busy the machine is.
   */
  sampler?: LoopSampler;
}

/** One reading of the event loop over the last sampling period. */
export interface LoopReading {
  /** How late the sampling timer fired (ms). */
  lagMs: number;
  /** Event-loop utilisation over the period (0–1). */
  utilization: number;
}

export type LoopSampler = () => LoopReading;

/** Reads this process's event loop: the drift of a timer firing every `everyMs`, and its utilisation. */
function eventLoopSampler(everyMs: number): LoopSampler {
  let expected = performance.now() + everyMs;
  let elu = performance.eventLoopUtilization();
  return () => {
    const now = performance.now();
    const lagMs = Math.max(0, now - expected);
    expected = now + everyMs;
    const next = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(next, elu).utilization;
    elu = next;
    return { lagMs, utilization };
  };
}

export type OverloadReason = 'calls' | 'lag' | 'load';

/**
 * Overload control at the gateway's entry (the "503 instead of slowing every call down").
 * A new INVITE is refused with 503 + Retry-After before any policy work when a cheap signal says
 * so: calls carried over a configured high-water mark; event-loop lag (the drift of a short
 * interval timer) over its mark, with hysteresis so the state does not flap; or event-loop
 * utilisation over its target, which steers an admission probability — cut by 15 % per sample
 * while over, raised by 5 points per sample while under — so the gateway settles where it still
 * has headroom to answer the rest 503 quickly (a loss-based control loop in the manner of
 * RFC 7415; refusing everything at once and then nothing would oscillate). For every new
 * out-of-dialog request the live transaction count is checked too: over its cap the request is
 * dropped without a transaction, so the table cannot grow (RFC 6357 §4: a server already
 * saturated gains nothing by answering). In-dialog requests (ACK, BYE, re-INVITE) and
 * retransmissions absorbed by existing transactions never reach these checks.
 *
 * Why utilisation and not lag alone: a Node process saturated by UDP datagrams keeps turning its
 * loop (each datagram is a short task), so timer drift stays small while the kernel's socket
 * buffer overflows; utilisation near 1 is the sign.
 */
export class OverloadGuard {
  readonly retryAfter: string;
  /** Last lag sample (ms) and whether lag currently refuses calls. */
  lagMs = 0;
  lagging = false;
  readonly refused: Record<OverloadReason, number> = { calls: 0, lag: 0, load: 0 };
  /** Smoothed event-loop utilisation and the share of new INVITEs admitted now (1 = all). */
  load = 0;
  admitShare = 1;
  dropped = 0;
  private timer: NodeJS.Timeout | null = null;
  /** SIP messages counted at the previous reading. */
  private messages = 0;

  constructor(private readonly o: OverloadGuardOptions) {
    this.retryAfter = String(o.retryAfterSeconds);
  }

  start(): void {
    if ((this.o.maxLagMs <= 0 && this.o.targetLoad <= 0) || this.timer !== null) return;
    const every = this.o.sampleMs ?? 50;
    const sampler = this.o.sampler ?? eventLoopSampler(every);
    this.messages = this.o.messagesIn?.() ?? 0;
    this.timer = setInterval(() => this.observe(sampler()), every);
    this.timer.unref();
  }

  /**
   * Takes one reading (`start()` does, every `sampleMs`) and updates the lag state and the
   * admitted share; SIP messages received since the previous reading tell SIP load from other work.
   */
  observe(reading: LoopReading): void {
    this.lagMs = reading.lagMs;
    if (this.o.maxLagMs > 0) {
      if (this.lagMs > this.o.maxLagMs) this.lagging = true;
      else if (this.lagMs < this.o.maxLagMs / 2) this.lagging = false;
    }
    if (this.o.targetLoad > 0) {
      // Smoothed (time constant ≈ 4 samples): a short burst is absorbed, sustained saturation is not.
      this.load += 0.25 * (reading.utilization - this.load);
      const m = this.o.messagesIn?.() ?? 0;
      const minMessages = ((this.o.minMessagesPerSecond ?? 500) * (this.o.sampleMs ?? 50)) / 1000;
      const busyWithSip = m - this.messages >= minMessages;
      this.messages = m;
      if (busyWithSip && this.load > this.o.targetLoad) this.admitShare = Math.max(0.02, this.admitShare * 0.85);
      else if (this.load < this.o.targetLoad - 0.05 || !busyWithSip)
        this.admitShare = Math.min(1, this.admitShare + 0.05);
    }
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
    if (this.admitShare < 1 && Math.random() >= this.admitShare) {
      this.refused.load++;
      return 'load';
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
