import type { WebhookEvent, WebhookStore } from '../store/webhook-types.js';

export interface CallEventQueueOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** Events held at most while the store is slow; beyond it the oldest are dropped (and counted). */
  maxBuffered?: number;
  onError?: (err: unknown) => void;
}

/**
 * Call events raised while calls are in progress (`call.initiated`, `call.ringing`, `call.answered`),
 * written to the webhook outbox in batches off the call path, as the call log writes records: `push`
 * only appends to an array, so a call never waits on the store, and the buffer is bounded.
 */
export class CallEventQueue {
  #buffer: WebhookEvent[] = [];
  #flushing: Promise<void> | null = null;
  readonly #timer: NodeJS.Timeout;
  readonly #batchSize: number;
  readonly #max: number;
  readonly #onError: (err: unknown) => void;
  dropped = 0;

  constructor(
    private readonly outbox: Pick<WebhookStore, 'enqueueEvents'>,
    o: CallEventQueueOptions = {},
  ) {
    this.#batchSize = o.batchSize ?? 500;
    this.#max = o.maxBuffered ?? 50_000;
    this.#onError = o.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), o.flushIntervalMs ?? 200);
    this.#timer.unref();
  }

  push(e: WebhookEvent): void {
    if (this.#buffer.length >= this.#max) {
      // Rare (a store down for long): dropping the oldest keeps memory bounded; splice is fine at this rate.
      this.#buffer.splice(0, this.#buffer.length - this.#max + 1);
      this.dropped++;
    }
    this.#buffer.push(e);
    if (this.#buffer.length >= this.#batchSize && this.#flushing === null) void this.flush();
  }

  /** Writes everything pushed so far; resolves when it is in the outbox. */
  async flush(): Promise<void> {
    while (this.#flushing !== null) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.outbox
      .enqueueEvents(batch, Date.now())
      .then(() => {})
      .catch((err: unknown) => {
        this.dropped += batch.length;
        this.#onError(err);
      })
      .finally(() => {
        this.#flushing = null;
      });
    await this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
