/**
 * A dedicated PostgreSQL connection that LISTENs on `vsip_changes` and fans notifications out
 * to the store's listeners — from this process and every other one writing to the database.
 * Writers `pg_notify` inside their transaction, so PostgreSQL delivers only committed changes.
 *
 * The connection is re-established with capped exponential backoff if it drops. Notifications
 * sent while it was down are lost (PostgreSQL does not queue them for absent listeners), so
 * after every reconnect `onReconnect` fires and the store tells its listeners to reload all.
 */
import pg from 'pg';
import type { ChangeEvent } from './types.js';

export const CHANNEL = 'vsip_changes';

function parseEvent(payload: string | undefined): ChangeEvent | null {
  if (!payload) return null;
  try {
    const e = JSON.parse(payload) as Partial<ChangeEvent>;
    if (
      e.kind === 'trunk' &&
      typeof e.accountSid === 'string' &&
      typeof (e as { trunkSid?: unknown }).trunkSid === 'string'
    ) {
      return { kind: 'trunk', accountSid: e.accountSid, trunkSid: (e as { trunkSid: string }).trunkSid };
    }
    if (e.kind === 'account' && typeof e.accountSid === 'string') return { kind: 'account', accountSid: e.accountSid };
    if (e.kind === 'carriers') return { kind: 'carriers' };
  } catch {
    // not ours: ignore
  }
  return null;
}

export class PgChangeListener {
  #client: pg.Client | null = null;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;
  #backoffMs = 100;
  #connectedOnce = false;

  constructor(
    private readonly connectionString: string,
    private readonly onEvent: (event: ChangeEvent) => void,
    private readonly onReconnect: () => void,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Resolves once LISTEN is in effect, so changes committed after it are seen. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    // TCP keepalive: an idle LISTEN connection is otherwise never noticed dead after a
    // network partition, and changes would silently stop arriving.
    const client = new pg.Client({
      connectionString: this.connectionString,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL) return;
      const event = parseEvent(msg.payload);
      if (event) this.onEvent(event);
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw err;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#backoffMs = 100;
    if (this.#connectedOnce) this.onReconnect();
    this.#connectedOnce = true;
  }

  #lost(client: pg.Client, err: unknown): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.end().catch(() => {});
    if (this.#closed) return;
    if (err) this.onError(err);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, 5_000);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect().catch((err: unknown) => {
        this.onError(err);
        this.#schedule();
      });
    }, delay);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const c = this.#client;
    this.#client = null;
    if (c) await c.end().catch(() => {});
  }
}
