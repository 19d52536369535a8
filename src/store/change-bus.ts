/**
 * In-process fan-out of change events. A throwing listener must not break the writer that
 * triggered it, nor the other listeners, so each call is isolated.
 */
import type { ChangeEvent } from './types.js';

export type ChangeListener = (event: ChangeEvent) => void;

export class ChangeBus {
  readonly #listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    // Wrap so the same function can subscribe twice and unsubscribe independently.
    const entry: ChangeListener = (e) => listener(e);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: ChangeEvent): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch (err) {
        // Reported, not swallowed silently; the write itself has committed.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
