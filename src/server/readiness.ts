/**
 * What `/ready` answers: the process is draining, or every readiness check passes. Checks are one
 * list that each part of a node appends to where it starts (the store, the SIP listeners; the media
 * relay and carriers when a node has them), so a load balancer or orchestrator stops sending work
 * to a node that could not handle it — and to one that is shutting down, before its listeners close.
 */

/** One check: resolves when the dependency is usable, throws (or rejects) with why it is not. */
export type ReadinessCheck = () => Promise<void> | void;

export interface ReadinessResult {
  name: string;
  ok: boolean;
  /** Why the check failed; absent when it passed. */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: ReadinessResult[];
}

/** A check that takes longer than this counts as failed: a hung dependency must not hang `/ready`. */
export const READINESS_CHECK_TIMEOUT_MS = 2000;

export class Readiness {
  readonly #checks: Array<{ name: string; check: ReadinessCheck }> = [];
  #draining = false;

  constructor(private readonly timeoutMs = READINESS_CHECK_TIMEOUT_MS) {}

  /** Appends a check; `name` is what `/ready` reports it as (e.g. `store`, `sip-listeners`, `rtpengine`). */
  add(name: string, check: ReadinessCheck): void {
    this.#checks.push({ name, check });
  }

  /** From now on not ready: called when shutdown starts, while requests in flight still finish. */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async report(): Promise<ReadinessReport> {
    const checks = await Promise.all(this.#checks.map(({ name, check }) => this.#run(name, check)));
    return { ready: !this.#draining && checks.every((c) => c.ok), draining: this.#draining, checks };
  }

  async #run(name: string, check: ReadinessCheck): Promise<ReadinessResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(check), timeout]);
      return { name, ok: true };
    } catch (err) {
      return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
