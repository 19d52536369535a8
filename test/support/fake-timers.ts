import type { TimerHost } from '../../src/sip/transaction/timer-config.js';

/** A deterministic TimerHost: time moves only when the test calls `advance`. */
export class FakeTimers implements TimerHost {
  now = 0;
  #seq = 0;
  readonly #pending = new Map<number, { at: number; fn: (a: unknown, b: number) => void; a: unknown; b: number }>();

  set(fn: (a: unknown, b: number) => void, ms: number, a: unknown, b: number): unknown {
    const id = ++this.#seq;
    this.#pending.set(id, { at: this.now + ms, fn, a, b });
    return id;
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pending(): number {
    return this.#pending.size;
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.#pending)
        if (t.at < nextAt || (t.at === nextAt && id < nextId)) [nextId, nextAt] = [id, t.at];
      if (nextId < 0 || nextAt > end) break;
      const t = this.#pending.get(nextId)!;
      this.#pending.delete(nextId);
      this.now = nextAt;
      t.fn(t.a, t.b);
    }
    this.now = end;
  }
}
