/**
 * Change events between processes sharing one SQLite file — what LISTEN/NOTIFY is on PostgreSQL.
 *
 * A write inserts its events into `change_log` in its own transaction (`record`), so they exist
 * exactly when the change does. Every process watches `PRAGMA data_version` on a connection of its
 * own — a counter that moves when any other connection commits (https://sqlite.org/pragma.html#pragma_data_version)
 * — and, when it moved, reads the rows it has not seen yet, skipping its own (already emitted
 * in-process at commit). Rows older than `retainMs` are pruned by writers; a process that fell
 * further behind than that (its next row is not the one it expects) is told to reload everything.
 *
 * Cost: one PRAGMA every `pollMs` per process, one indexed range read after a commit elsewhere.
 */
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { ChangeEvent } from './types.js';

export interface SqliteChangeFeedOptions {
  /**
   * How often data_version is checked, ms (default 25: an API change reaches the gateway well within 100 ms). 0: only
   * by `poll()`.
   */
  pollMs?: number;
  /** How long rows are kept for slow readers, ms (default 10 minutes). */
  retainMs?: number;
}

function isChangeEvent(v: unknown): v is ChangeEvent {
  const e = v as Partial<Record<string, unknown>> | null;
  if (typeof e === 'object' && e !== null && e.kind === 'carriers') return true;
  if (typeof e !== 'object' || e === null || typeof e.accountSid !== 'string') return false;
  return e.kind === 'account' || (e.kind === 'trunk' && typeof e.trunkSid === 'string');
}

export class SqliteChangeFeed {
  /** This store instance; its own rows are skipped when read back. */
  readonly origin = randomUUID();
  readonly #db: BetterSqlite3.Database;
  readonly #read: BetterSqlite3.Statement<[number], { id: number; origin: string; event: string }>;
  readonly #retainMs: number;
  readonly #timer: NodeJS.Timeout | null;
  #lastId: number;
  #version: number;

  constructor(
    file: string,
    private readonly emit: (event: ChangeEvent) => void,
    private readonly resync: () => void,
    options: SqliteChangeFeedOptions = {},
  ) {
    this.#db = new BetterSqlite3(file, { readonly: true });
    this.#db.pragma('busy_timeout = 5000');
    this.#read = this.#db.prepare('select id, origin, event from change_log where id > ? order by id limit 1000');
    this.#retainMs = options.retainMs ?? 600_000;
    // Start after the last id ever handed out (sqlite_sequence survives pruning): nothing before now is news.
    const seq = this.#db.prepare("select seq from sqlite_sequence where name = 'change_log'").get() as
      | { seq: number }
      | undefined;
    this.#lastId = seq?.seq ?? 0;
    this.#version = this.#dataVersion();
    const pollMs = options.pollMs ?? 25;
    this.#timer = pollMs > 0 ? setInterval(() => this.poll(), pollMs) : null;
    this.#timer?.unref();
  }

  #dataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }

  /** Inside a write transaction: the events, and the pruning of rows nobody needs any more. */
  async record(trx: Transaction<Database>, events: ChangeEvent[]): Promise<void> {
    const now = Date.now();
    await trx
      .insertInto('change_log')
      .values(events.map((e) => ({ origin: this.origin, event: JSON.stringify(e), created_at: now })))
      .execute();
    await trx
      .deleteFrom('change_log')
      .where('created_at', '<', now - this.#retainMs)
      .execute();
  }

  /** Reads what other processes committed since the last call (the timer calls it). */
  poll(): void {
    try {
      const v = this.#dataVersion();
      if (v === this.#version) return;
      this.#version = v;
      for (;;) {
        const rows = this.#read.all(this.#lastId);
        if (rows.length === 0) return;
        if ((rows[0] as { id: number }).id !== this.#lastId + 1) {
          // Rows we never saw were pruned: what changed is unknown, so everything is reloaded.
          this.#lastId = (rows[rows.length - 1] as { id: number }).id;
          this.resync();
          continue;
        }
        for (const row of rows) {
          this.#lastId = row.id;
          if (row.origin === this.origin) continue;
          let event: unknown;
          try {
            event = JSON.parse(row.event);
          } catch {
            continue;
          }
          if (isChangeEvent(event)) this.emit(event);
        }
        if (rows.length < 1000) return;
      }
    } catch {
      // The file is busy or being closed: the next tick tries again (data_version still differs).
      this.#version = -1;
    }
  }

  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#db.close();
  }
}
