/**
 * The last nonce-count seen per nonce, bounded so a flood of fresh nonces cannot grow memory.
 * A Map keeps insertion order, so deleting and re-inserting on use gives a cheap LRU.
 *
 * @see RFC 7616 §3.4 (nc "allows the server to detect request replays"), RFC 3261 §22.4
 */
export class NonceCountCache {
  readonly #max: number;
  readonly #last = new Map<string, number>();

  constructor(maxEntries = 100_000) {
    this.#max = maxEntries;
  }

  /**
   * Records `nc` for `nonce` and says whether it is fresh (strictly greater than any count seen
   * before for this nonce). A nonce evicted from the cache starts afresh: the nonce lifetime still
   * bounds how long a replay could work.
   */
  accept(nonce: string, nc: number): boolean {
    const prev = this.#last.get(nonce);
    if (prev !== undefined && nc <= prev) return false;
    this.#last.delete(nonce);
    this.#last.set(nonce, nc);
    if (this.#last.size > this.#max) {
      const oldest = this.#last.keys().next().value;
      if (oldest !== undefined) this.#last.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#last.size;
  }
}
