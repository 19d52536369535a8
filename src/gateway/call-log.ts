import type { NewCallRecord, Store } from '../store/types.js';

export interface CallLogOptions {
  /** Flush at least this often (ms). */
  flushIntervalMs?: number;
  /** Flush as soon as this many records wait. */
  batchSize?: number;
  /** Records held in memory at most; beyond it the oldest waiting ones are dropped (and counted). */
  maxBuffered?: number;
  /** How often the retention job deletes records older than each account's `cdr_retention_days`. */
  pruneIntervalMs?: number;
  /** The retention job's clock (tests). */
  now?: () => Date;
  onError?: (err: unknown) => void;
  /** Called with every record as it is taken (the process log's line per failed call, `call-logger.ts`). */
  onRecord?: (call: NewCallRecord) => void;
  /** Called with each batch once it is in the store, off the call path (webhook events, `src/webhooks`). */
  afterWrite?: (batch: NewCallRecord[]) => Promise<void>;
}

/**
 * The call log writer. `record` only pushes onto an array: the per-call path never waits for the
 * database. A timer (or a full batch) writes the buffer with one `insertCalls`, i.e. one
 * transaction. The buffer is bounded so a stalled database costs memory up to a cap, not the
 * process; dropped records are counted for the metrics.
 */
export class CallLog {
  /**
   * Waiting records are `buffer[head…]`: dropping the oldest moves `head`, since `Array#shift` on a full 50,000-entry
   * buffer copies the whole buffer on every call, just when the database is slow.
   */
  private buffer: NewCallRecord[] = [];
  private head = 0;
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly now: () => Date;
  private readonly onError: (err: unknown) => void;
  private readonly onRecord: ((call: NewCallRecord) => void) | null;
  private readonly afterWrite: ((batch: NewCallRecord[]) => Promise<void>) | null;
  dropped = 0;
  written = 0;

  constructor(
    private readonly store: Pick<Store, 'insertCalls' | 'pruneCallsByAge'>,
    options: CallLogOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxBuffered = options.maxBuffered ?? 50_000;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError ?? (() => {});
    this.onRecord = options.onRecord ?? null;
    this.afterWrite = options.afterWrite ?? null;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 200);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), options.pruneIntervalMs ?? 60_000);
    this.pruneTimer.unref();
  }

  /** Records waiting for the next flush (bounded by `maxBuffered`). */
  get buffered(): number {
    return this.buffer.length - this.head;
  }

  record(call: NewCallRecord): void {
    if (this.onRecord !== null) this.onRecord(call);
    if (this.buffer.length - this.head >= this.maxBuffered) {
      this.buffer[this.head++] = undefined as unknown as NewCallRecord; // let the dropped record go
      this.dropped++;
      if (this.head >= this.maxBuffered) {
        // Compact once per maxBuffered drops: amortised O(1) per record.
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
    }
    this.buffer.push(call);
    if (this.buffer.length - this.head >= this.batchSize && this.flushing === null) void this.flush();
  }

  /** Writes everything buffered so far; resolves when it is in the store. */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
    if (this.buffer.length === this.head) return;
    const batch = this.head === 0 ? this.buffer : this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    this.flushing = this.store
      .insertCalls(batch)
      .then(() => {
        this.written += batch.length;
        return this.afterWrite?.(batch).catch(this.onError);
      })
      .catch((err: unknown) => {
        this.dropped += batch.length;
        this.onError(err);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  /**
   * Retention by age, per account: records past their account's retention go, whatever their number
   * (an account with heavy traffic no longer pushes out another's history, as a global row cap did).
   */
  async prune(): Promise<void> {
    try {
      await this.store.pruneCallsByAge(this.now());
    } catch (err) {
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.flush();
  }
}
