import type { CarrierRoute } from './carrier-plan.js';

/**
 * Longest-prefix look-up of a dialled number among the routes of one plan. Prefixes are digits, so
 * a map by prefix probed from the longest candidate down costs at most one probe per digit of the
 * number, whatever the number of routes (a route table of thousands stays O(digits)).
 */
export class RouteIndex {
  readonly #byPrefix = new Map<string, CarrierRoute>();
  #longest = 0;

  constructor(routes: readonly CarrierRoute[]) {
    for (const r of routes) {
      // Two routes with one prefix: the first wins, as the store lists them (it forbids the case).
      if (!this.#byPrefix.has(r.prefix)) this.#byPrefix.set(r.prefix, r);
      if (r.prefix.length > this.#longest) this.#longest = r.prefix.length;
    }
  }

  get size(): number {
    return this.#byPrefix.size;
  }

  /** The route for a dialled number (`+` and other non-digits ignored), or undefined when no prefix matches. */
  match(number: string): CarrierRoute | undefined {
    const digits = number.replace(/\D/g, '');
    for (let n = Math.min(digits.length, this.#longest); n >= 0; n--) {
      const r = this.#byPrefix.get(digits.slice(0, n));
      if (r !== undefined) return r;
    }
    return undefined;
  }
}
