interface Usage {
  active: number;
  windowStart: number;
  started: number;
}

/**
 * Call slots per key (a trunk, a carrier): calls started in the current one-second window (CPS)
 * and calls holding a slot (concurrency). `take` returns which limit refused, or the release, to be
 * run once when the call ends (it is idempotent). Entries live only while a key has calls or a
 * recent window, so the table does not grow with the number of keys.
 */
export class CallSlots {
  private readonly usage = new Map<string, Usage>();

  constructor(private readonly now: () => number) {}

  /** Calls currently holding a slot of `key`. */
  active(key: string): number {
    return this.usage.get(key)?.active ?? 0;
  }

  get size(): number {
    return this.usage.size;
  }

  /** 0 means no limit. */
  take(key: string, cps: number, concurrent: number): 'cps' | 'concurrency' | (() => void) {
    const now = this.now();
    let u = this.usage.get(key);
    if (u === undefined) {
      u = { active: 0, windowStart: now, started: 0 };
      this.usage.set(key, u);
    } else if (now - u.windowStart >= 1000) {
      u.windowStart = now;
      u.started = 0;
    }
    if (cps > 0 && u.started >= cps) return 'cps';
    if (concurrent > 0 && u.active >= concurrent) return 'concurrency';
    u.started++;
    u.active++;
    const entry = u;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.active--;
      if (entry.active <= 0 && this.now() - entry.windowStart >= 1000 && this.usage.get(key) === entry)
        this.usage.delete(key);
    };
  }
}
