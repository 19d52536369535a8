export interface RetryPolicy {
  /** Delay before the second attempt (ms); doubled after each failure. */
  baseMs: number;
  /** Longest delay between two attempts (ms). */
  maxMs: number;
  /** After this long since the event (ms) a delivery that still fails is marked failed. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 10_000, maxMs: 3_600_000, giveUpAfterMs: 86_400_000 };

/**
 * Exponential back-off with jitter for the attempt after `failures` failed ones: half the doubled
 * delay is fixed and half random, so receivers that came back after an outage are not hit by
 * every sender's retries in the same second.
 */
export function retryDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
