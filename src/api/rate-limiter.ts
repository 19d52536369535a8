/**
 * Per-key request budget: a fixed one-minute window in memory (Exotel documents 200 requests per
 * minute per account; the API also budgets failed authentications per client IP). A limit of 0
 * turns limiting off. In a multi-process deployment each API process counts on its own.
 *
 * Memory is bounded by `maxKeys` without ever forgetting a live window: forgetting one would hand
 * that key a fresh budget, which is exactly what a client with many addresses would aim for to
 * reset the failed-login budget of the one it guesses from. So when the table is full, expired
 * windows are swept, and keys that still do not fit share one overflow window — under such a flood
 * new keys are limited together (fail closed) while every tracked key keeps what it has used.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;
export const DEFAULT_MAX_KEYS = 100_000;

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  /** Shared by keys that arrive while the table is full of live windows. */
  private overflow: Window = { start: 0, count: 0 };
  /** No window in the table can have expired before this time: sweeping sooner finds nothing. */
  private sweepAt = 0;

  constructor(
    readonly limit: number,
    readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /** Keys with a window of their own now (at most `maxKeys`). */
  get size(): number {
    return this.windows.size;
  }

  /** True when `key` has used its whole budget in the current window (does not count a request). */
  exhausted(key: string, now = Date.now()): boolean {
    if (this.limit <= 0) return false;
    const w = this.windows.get(key) ?? (this.windows.size >= this.maxKeys ? this.overflow : undefined);
    return w !== undefined && now - w.start < WINDOW_MS && w.count >= this.limit;
  }

  take(key: string, now = Date.now()): RateDecision | null {
    if (this.limit <= 0) return null;
    const w = this.windowOf(key, now);
    const resetSeconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    if (w.count >= this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    w.count += 1;
    return { allowed: true, limit: this.limit, remaining: this.limit - w.count, resetSeconds };
  }

  private windowOf(key: string, now: number): Window {
    let w = this.windows.get(key);
    if (w !== undefined) {
      if (now - w.start >= WINDOW_MS) {
        w.start = now;
        w.count = 0;
      }
      return w;
    }
    if (this.windows.size >= this.maxKeys) this.sweep(now);
    if (this.windows.size >= this.maxKeys) {
      if (now - this.overflow.start >= WINDOW_MS) this.overflow = { start: now, count: 0 };
      return this.overflow;
    }
    w = { start: now, count: 0 };
    this.windows.set(key, w);
    return w;
  }

  /** Drops expired windows; at most once per window length while the table stays full. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [k, w] of this.windows) {
      if (now - w.start >= WINDOW_MS) this.windows.delete(k);
      else oldest = Math.min(oldest, w.start);
    }
    this.sweepAt = oldest === Number.POSITIVE_INFINITY ? now : oldest + WINDOW_MS;
  }
}
