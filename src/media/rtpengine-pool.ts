import { NgClient, NgError, type NgDict } from './ng-client.js';
import type { EngineAddress } from './parse-engine-list.js';

/** One engine of the pool, with its health. */
export interface PoolEngine {
  readonly client: NgClient;
  readonly weight: number;
  /** Until this time (ms) the engine is skipped for new calls; 0 = alive. */
  deadUntil: number;
}

export interface RtpenginePoolOptions {
  /** How long a dead engine is skipped before a new call may try it again (ms). */
  retryAfterMs?: number;
  /** Per-command deadline (ms). */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The rtpengine daemons vsip drives. A new call's `offer` goes to an engine picked by weight among
 * the live ones; an engine that does not answer is marked dead and the offer tried on the next,
 * and a dead engine gets new calls again after `retryAfterMs` (the first one that then succeeds
 * revives it). Every later command of a call goes to the engine that holds its session.
 */
export class RtpenginePool {
  readonly engines: PoolEngine[];
  readonly #retryAfterMs: number;
  readonly #now: () => number;

  constructor(addresses: readonly EngineAddress[], o: RtpenginePoolOptions = {}) {
    this.#retryAfterMs = o.retryAfterMs ?? 10_000;
    this.#now = o.now ?? Date.now;
    this.engines = addresses.map((a) => ({
      client: new NgClient({
        host: a.host,
        port: a.port,
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      }),
      weight: a.weight,
      deadUntil: 0,
    }));
  }

  /** Engines to try for a new session, in order: live ones by weighted random draw, then those due a retry. */
  candidates(): PoolEngine[] {
    const now = this.#now();
    const live = this.engines.filter((e) => e.deadUntil <= now);
    const order: PoolEngine[] = [];
    const left = [...live];
    while (left.length > 0) {
      let total = 0;
      for (const e of left) total += e.weight;
      let r = Math.random() * total;
      let i = 0;
      for (; i < left.length - 1; i++) {
        r -= (left[i] as PoolEngine).weight;
        if (r < 0) break;
      }
      order.push(left.splice(i, 1)[0] as PoolEngine);
    }
    return order;
  }

  /** Sends a command that opens a session: the first engine that answers holds it. */
  async open(message: NgDict): Promise<{ engine: PoolEngine; reply: NgDict }> {
    const tried: string[] = [];
    for (const engine of this.candidates()) {
      try {
        return { engine, reply: await this.send(engine, message) };
      } catch (err) {
        if (!(err instanceof NgError) || err.kind !== 'timeout') throw err;
        tried.push(engine.client.label);
      }
    }
    throw new NgError(
      'timeout',
      tried.length === 0 ? 'every rtpengine is marked down' : `no rtpengine answered (${tried.join(', ')})`,
    );
  }

  /** A command to one engine; a timeout marks it dead, an answer alive. */
  async send(engine: PoolEngine, message: NgDict): Promise<NgDict> {
    try {
      const reply = await engine.client.command(message);
      engine.deadUntil = 0;
      return reply;
    } catch (err) {
      if (err instanceof NgError && err.kind === 'timeout') engine.deadUntil = this.#now() + this.#retryAfterMs;
      throw err;
    }
  }

  /** Engines answering `ping` now (for /health and doctor). */
  async ping(): Promise<Array<{ engine: string; up: boolean }>> {
    return Promise.all(
      this.engines.map(async (e) => {
        try {
          await this.send(e, { command: 'ping' });
          return { engine: e.client.label, up: true };
        } catch {
          return { engine: e.client.label, up: false };
        }
      }),
    );
  }

  close(): void {
    for (const e of this.engines) e.client.close();
  }
}
