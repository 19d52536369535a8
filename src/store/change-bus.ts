/**
 * In-process fan-out of change events. A throwing listener must not break the writer that
 * triggered it, nor the other listeners, so each call is isolated.
 */
import type { ChangeEvent } from './types.js';

export type ChangeListener = (event: ChangeEvent) => void;

export class ChangeBus {
  readonly #listeners = new Set<ChangeListener>();
  readonly #resync = new Set<() => void>();

  subscribe(listener: ChangeListener): () => void {
    // Wrap so the same function can subscribe twice and unsubscribe independently.
    const entry: ChangeListener = (e) => listener(e);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  subscribeResync(listener: () => void): () => void {
    const entry = () => listener();
    this.#resync.add(entry);
    return () => {
      this.#resync.delete(entry);
    };
  }

  emit(event: ChangeEvent): void {
    for (const l of [...this.#listeners]) safely(() => l(event));
  }

  /** Events may have been lost (e.g. the LISTEN connection dropped): tell listeners to reload. */
  emitResync(): void {
    for (const l of [...this.#resync]) safely(l);
  }

  clear(): void {
    this.#listeners.clear();
    this.#resync.clear();
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // Reported as an uncaught exception, not swallowed; the write itself has committed.
    queueMicrotask(() => {
      throw err;
    });
  }
}
