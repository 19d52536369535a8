import type { Store } from '../store/types.js';
import type { CarrierPlan, CarrierPlanSource } from './carrier-plan.js';

const EMPTY: CarrierPlan = Object.freeze({ carriers: new Map(), routes: [] });

/**
 * The carrier plan from the store: loaded whole at start, replaced whole after every `carriers`
 * change event (this process's writes and other processes', see `Store.onChange`) and after a
 * resync. Carriers and routes are few (an operator's handful, at most thousands of routes), so a
 * full reload is simpler and safer than patching: the gateway only ever sees a consistent plan.
 *
 * Reloads never overlap: events arriving while one runs coalesce into one more reload after it,
 * so a burst of writes costs at most two loads and the last write is always seen.
 */
export class StoreCarrierPlanSource implements CarrierPlanSource {
  #plan: CarrierPlan = EMPTY;
  readonly #listeners = new Set<() => void>();
  #unsubscribe: Array<() => void> = [];
  #running: Promise<void> | null = null;
  #again = false;

  private constructor(
    private readonly store: Pick<Store, 'loadCarrierPlan' | 'onChange' | 'onResync'>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Subscribes first, then loads, so that no change committed during the load is missed. */
  static async open(
    store: Pick<Store, 'loadCarrierPlan' | 'onChange' | 'onResync'>,
    onError: (err: unknown) => void = () => {},
  ): Promise<StoreCarrierPlanSource> {
    const source = new StoreCarrierPlanSource(store, onError);
    source.#unsubscribe.push(
      store.onChange((event) => {
        if (event.kind === 'carriers') source.#reload();
      }),
    );
    const off = store.onResync?.(() => source.#reload());
    if (off !== undefined) source.#unsubscribe.push(off);
    source.#reload();
    await source.settled();
    return source;
  }

  current(): CarrierPlan {
    return this.#plan;
  }

  onChange(listener: () => void): () => void {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Resolves once every reload asked for so far has been applied (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  close(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#listeners.clear();
  }

  #reload(): void {
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          this.#plan = await this.store.loadCarrierPlan();
        } catch (err) {
          // The previous plan stays in force; the next change or resync tries again.
          this.onError(err);
          continue;
        }
        for (const l of [...this.#listeners]) {
          try {
            l();
          } catch (err) {
            this.onError(err);
          }
        }
      } while (this.#again);
    })().finally(() => {
      this.#running = null;
    });
  }
}
