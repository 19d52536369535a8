/**
 * Transaction timer values and the timer host the state machines use.
 * @see RFC 3261 §17.1.1.1, Table 4 (A–K), RFC 6026 §8.4 (L, M)
 */

export interface TimerConfig {
  /** RTT estimate, ms (default 500). */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, ms (default 4000). */
  t2: number;
  /** Maximum time a message stays in the network, ms (default 5000). */
  t4: number;
  /** Timer D: wait time for response retransmits after a non-2xx INVITE final (≥ 32 s on UDP). */
  timerD: number;
  /**
   * Delay before an INVITE server transaction sends 100 Trying when the core has not sent a
   * provisional or final yet (RFC 3261 §17.2.1: "200 ms"). 0 sends it at once.
   */
  tryingDelay: number;
  /**
   * Backstop for an INVITE client transaction stuck in Proceeding (provisionals but no final):
   * Timer C of RFC 3261 §16.6 step 11, reset by every provisional. It then emits `timeout`('C') and
   * ends; the core may still `cancel()` it. A proxy normally runs its own, shorter ring timer.
   * Default 300 000 ms (the RFC asks for more than 3 minutes).
   */
  timerC: number;
}

export const DEFAULT_TIMERS: Readonly<TimerConfig> = Object.freeze({
  t1: 500,
  t2: 4000,
  t4: 5000,
  timerD: 32000,
  tryingDelay: 200,
  timerC: 300_000,
});

export function resolveTimers(partial?: Partial<TimerConfig>): Readonly<TimerConfig> {
  const t = { ...DEFAULT_TIMERS, ...partial };
  if (partial?.t1 !== undefined && partial.timerD === undefined) t.timerD = Math.max(64 * t.t1 * 0.5, t.t1);
  return Object.freeze(t);
}

/**
 * The timer API the transactions use. Arguments are passed through instead of captured in a closure
 * so that the thousands of timers a busy node arms per second share one callback function.
 */
export interface TimerHost {
  set(fn: (a: unknown, b: number) => void, ms: number, a: unknown, b: number): unknown;
  clear(handle: unknown): void;
}

export const nodeTimerHost: TimerHost = {
  set: (fn, ms, a, b) => setTimeout(fn, ms, a, b),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
