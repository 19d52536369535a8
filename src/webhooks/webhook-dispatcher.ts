/**
 * Sends the webhook outbox. Each round leases due deliveries in the store, POSTs them in
 * parallel and writes each outcome back; a delivery that fails is retried with back-off until
 * `giveUpAfterMs` after its event, then marked failed. Delivery is at-least-once: a node that
 * dies after the POST but before writing the outcome leaves a lease that expires, and the
 * delivery is sent again with the same `Vsip-Event-Id` for the receiver to de-duplicate.
 * Runs in the API process; nothing here is on the path of a call.
 */
import type { Logger } from '../logger.js';
import type { ClaimedDelivery, DeliveryOutcome, WebhookStore } from '../store/webhook-types.js';
import { DEFAULT_RETRY, retryDelay, type RetryPolicy } from './retry-delay.js';
import { webhookSignature } from './webhook-signature.js';

export interface WebhookDispatcherOptions {
  /** How often the outbox is polled when idle (ms). */
  pollMs?: number;
  /** Deliveries leased per round. */
  batch?: number;
  /** Per-POST timeout (ms). */
  timeoutMs?: number;
  /** Delivered and failed deliveries are kept this long for the delivery log (ms). */
  keepMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
}

const MAX_ERROR_LENGTH = 200;
/** How often finished deliveries past `keepMs` are deleted. */
const PRUNE_EVERY_MS = 3_600_000;

export class WebhookDispatcher {
  readonly #store: WebhookStore;
  readonly #log: Logger;
  readonly #pollMs: number;
  readonly #batch: number;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #now: () => number;
  readonly #keepMs: number;
  #lastPruneMs = 0;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;
  #stopped = false;
  delivered = 0;
  failedAttempts = 0;

  constructor(store: WebhookStore, log: Logger, options: WebhookDispatcherOptions = {}) {
    this.#store = store;
    this.#log = log;
    this.#pollMs = options.pollMs ?? 1000;
    this.#batch = options.batch ?? 50;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#now = options.now ?? Date.now;
    this.#keepMs = options.keepMs ?? 7 * 86_400_000;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Runs one round now (tests, and a redelivery asked for through the API). */
  async runOnce(): Promise<number> {
    while (this.#round !== null) await this.#round;
    let sent = 0;
    this.#round = (async () => {
      // A lease covers the POST's timeout with room for writing the outcome.
      const claimed = await this.#store.claimDueDeliveries(this.#now(), this.#batch, this.#timeoutMs * 2 + 5000);
      await Promise.all(claimed.map((d) => this.#deliver(d)));
      sent = claimed.length;
      const now = this.#now();
      if (now - this.#lastPruneMs >= PRUNE_EVERY_MS) {
        this.#lastPruneMs = now;
        await this.#store.pruneDeliveries(now - this.#keepMs);
      }
    })()
      .catch((err: unknown) => this.#log.warn({ err }, 'webhook outbox round failed'))
      .finally(() => {
        this.#round = null;
      });
    await this.#round;
    return sent;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    while (this.#round !== null) await this.#round;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      const sent = await this.runOnce();
      // A full batch means more are due: go on at once instead of waiting a poll interval.
      this.#schedule(sent >= this.#batch ? 0 : this.#pollMs);
    }, ms);
    this.#timer.unref();
  }

  async #deliver(d: ClaimedDelivery): Promise<void> {
    const outcome = await this.#post(d);
    if (outcome.state !== 'delivered') this.failedAttempts++;
    else this.delivered++;
    try {
      const ours = await this.#store.finishDelivery(d, outcome);
      if (!ours) this.#log.warn({ delivery: d.id }, 'webhook delivery lease expired before its outcome was written');
    } catch (err) {
      // The lease expires and the delivery is sent again: at-least-once.
      this.#log.warn({ err, delivery: d.id }, 'webhook delivery outcome not written');
    }
  }

  async #post(d: ClaimedDelivery): Promise<DeliveryOutcome> {
    const timestamp = Math.floor(this.#now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'vsip-webhooks',
          'vsip-event-id': d.eventId,
          'vsip-timestamp': String(timestamp),
          'vsip-signature': webhookSignature(d.secret, timestamp, d.payload),
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      // The body is not used: cancelled, not read, so an endpoint answering with an endless body costs nothing.
      await res.body?.cancel().catch(() => undefined);
      if (status >= 200 && status < 300) return { state: 'delivered', status, error: null };
      error = `HTTP ${status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.name === 'TimeoutError' ? `timeout after ${this.#timeoutMs} ms` : (e.cause?.code ?? e.message);
    }
    const now = this.#now();
    const next = now + retryDelay(this.#retry, d.attempts + 1);
    if (next - d.createdMs > this.#retry.giveUpAfterMs) {
      return { state: 'failed', status, error: error.slice(0, MAX_ERROR_LENGTH) };
    }
    return { state: 'pending', nextAttemptMs: next, status, error: error.slice(0, MAX_ERROR_LENGTH) };
  }
}
