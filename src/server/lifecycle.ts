/**
 * The close steps of one process, in one place (as Fastify's `onClose` hooks): each resource
 * registers how to close it right where it is opened, and `close()` runs the steps in reverse
 * order — what was opened last, and may use what came before it, is closed first — once, whether
 * the process stops on a signal or because starting failed.
 */
/** How long a graceful shutdown of a vsip process may take before it exits anyway. */
export const SHUTDOWN_LIMIT_MS = 10_000;

export interface LifecycleOptions {
  /** How long all steps together may take; past it `close()` gives up waiting on them. */
  limitMs: number;
  /** A step that threw: reported, and the steps after it still run. */
  onStepError(err: unknown, step: string): void;
}

/** `closed`: every step finished (some may have failed); `timed-out`: the limit came first. */
export type CloseOutcome = 'closed' | 'timed-out';

interface Step {
  name: string;
  run(): unknown;
}

export class Lifecycle {
  readonly #steps: Step[] = [];
  #closing: Promise<CloseOutcome> | null = null;

  constructor(private readonly options: LifecycleOptions) {}

  /**
   * Registers the close step of a resource just opened. One registered while closing is under way
   * (the resource was opened concurrently) runs at once: nothing would close it later.
   */
  onClose(name: string, run: () => unknown): void {
    const step = { name, run };
    if (this.#closing === null) this.#steps.push(step);
    else void this.#run(step);
  }

  /** Runs the steps in reverse order of registration; later calls get the first call's outcome. */
  close(): Promise<CloseOutcome> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  /** On the first of `signals` (later ones are ignored, not fatal), closes and exits 0, or 1 past the limit. */
  exitOnSignals(
    target: NodeJS.EventEmitter,
    signals: readonly string[],
    exit: (code: number) => void,
    hooks: { stopping?(signal: string): void; stopped?(outcome: CloseOutcome): void } = {},
  ): void {
    let signalled = false;
    const stop = (signal: string): void => {
      if (signalled) return;
      signalled = true;
      hooks.stopping?.(signal);
      void this.close().then((outcome) => {
        hooks.stopped?.(outcome);
        exit(outcome === 'closed' ? 0 : 1);
      });
    };
    for (const signal of signals) target.on(signal, () => stop(signal));
  }

  async #closeAll(): Promise<CloseOutcome> {
    const steps = this.#steps.splice(0).reverse();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<CloseOutcome>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), this.options.limitMs);
    });
    const all = (async (): Promise<CloseOutcome> => {
      for (const step of steps) await this.#run(step);
      return 'closed';
    })();
    try {
      return await Promise.race([all, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #run(step: Step): Promise<void> {
    try {
      await step.run();
    } catch (err) {
      this.options.onStepError(err, step.name);
    }
  }
}
