export interface PikeOptions {
  /** Requests per second from one source IP above which it is blocked; 0 = off. */
  rate: number;
  /** How long a source stays blocked (ms). */
  blockMs: number;
  /** Sources tracked at most; beyond it the least recently refreshed one is forgotten. */
  maxSources: number;
  /**
   * Sources exempt from the limit (a PBX whitelisted on a trunk: its load is capped per trunk
   * instead). Asked only when a source goes over the rate, so the common case pays nothing.
   */
  exempt?: (ip: string) => boolean;
  now?: () => number;
}

interface Entry {
  windowStart: number;
  count: number;
  blockedUntil: number;
  exempt: boolean;
}

/**
 * Per-source flood detection like Kamailio's `pike`: requests from one IP are counted in
 * one-second windows; a source over `rate` is blocked for `blockMs`, and its requests are dropped
 * without an answer (a flooder learns nothing and costs no response). The table is bounded:
 * entries live in a Map in refresh order and the oldest goes first, so a spoofed-source flood
 * costs at most `maxSources` entries.
 */
export class Pike {
  private readonly table = new Map<string, Entry>();
  private readonly now: () => number;
  /** Requests dropped, and sources that went over the rate. */
  dropped = 0;
  blocks = 0;

  constructor(private readonly o: PikeOptions) {
    this.now = o.now ?? Date.now;
  }

  get size(): number {
    return this.table.size;
  }

  /** Counts one request from `ip`; false = drop it. */
  allow(ip: string): boolean {
    if (this.o.rate <= 0) return true;
    const now = this.now();
    let e = this.table.get(ip);
    if (e === undefined) {
      e = { windowStart: now, count: 0, blockedUntil: 0, exempt: false };
      this.table.set(ip, e);
      if (this.table.size > this.o.maxSources) {
        const oldest = this.table.keys().next().value;
        if (oldest !== undefined) this.table.delete(oldest);
      }
    } else if (now - e.windowStart >= 1000) {
      // A new window: move the entry to the young end so eviction takes idle sources first.
      e.windowStart = now;
      e.count = 0;
      e.exempt = false;
      this.table.delete(ip);
      this.table.set(ip, e);
    }
    if (e.blockedUntil > now) {
      this.dropped++;
      return false;
    }
    e.count++;
    if (e.count <= this.o.rate || e.exempt) return true;
    if (this.o.exempt?.(ip) === true) {
      e.exempt = true;
      return true;
    }
    e.blockedUntil = now + this.o.blockMs;
    this.blocks++;
    this.dropped++;
    return false;
  }

  isBlocked(ip: string): boolean {
    const e = this.table.get(ip);
    return e !== undefined && e.blockedUntil > this.now();
  }
}
