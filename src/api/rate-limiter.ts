/**
 * Per-account request budget: a fixed one-minute window in memory (Exotel documents 200 requests
 * per minute per account). A limit of 0 turns limiting off. In a multi-process deployment each
 * API process counts on its own.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(readonly limit: number) {}

  /** True when `key` has used its whole budget in the current window (does not count a request). */
  exhausted(key: string, now = Date.now()): boolean {
    const w = this.windows.get(key);
    return this.limit > 0 && w !== undefined && now - w.start < WINDOW_MS && w.count >= this.limit;
  }

  take(key: string, now = Date.now()): RateDecision | null {
    if (this.limit <= 0) return null;
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= WINDOW_MS) {
      if (this.windows.size > 100_000) this.windows.clear();
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    if (w.count >= this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    w.count += 1;
    return { allowed: true, limit: this.limit, remaining: this.limit - w.count, resetSeconds };
  }
}
