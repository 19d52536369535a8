import { prefixMask } from './ipv4.js';

/**
 * IPv4 ranges → values, matched by address: one Map per prefix length in use, keyed by network
 * address, so a look-up is at most 33 Map probes however many ranges there are. The structure
 * alone, with put/remove/match, apart from what fills it (as Kamailio's permissions module keeps
 * its subnet table in `hash.c` apart from the loader in `address.c`); the gateway's
 * configuration snapshot only puts and removes trunks.
 */
export class Ipv4PrefixIndex<T> {
  /** prefix length → (network → values) */
  readonly #byPrefix = new Map<number, Map<number, Set<T>>>();
  /** Prefix lengths in use, longest first (most specific range first in `match`). */
  #prefixes: number[] = [];

  /** Adds `value` under the range `network`/`mask` (uint32s; host bits of `network` are ignored). */
  put(network: number, mask: number, value: T): void {
    const prefix = prefixLength(mask);
    let nets = this.#byPrefix.get(prefix);
    if (nets === undefined) {
      nets = new Map();
      this.#byPrefix.set(prefix, nets);
      this.#prefixes = [...this.#byPrefix.keys()].sort((a, b) => b - a);
    }
    const key = (network & mask) >>> 0;
    let values = nets.get(key);
    if (values === undefined) {
      values = new Set();
      nets.set(key, values);
    }
    values.add(value);
  }

  /** Removes `value` from the range; a range or prefix length left empty is dropped. */
  remove(network: number, mask: number, value: T): void {
    const prefix = prefixLength(mask);
    const nets = this.#byPrefix.get(prefix);
    const key = (network & mask) >>> 0;
    const values = nets?.get(key);
    if (nets === undefined || values === undefined || !values.delete(value)) return;
    if (values.size > 0) return;
    nets.delete(key);
    if (nets.size > 0) return;
    this.#byPrefix.delete(prefix);
    this.#prefixes = this.#prefixes.filter((p) => p !== prefix);
  }

  /** Every value whose range holds `ip` (uint32), most specific range first, each once. Allocates only on a hit. */
  match(ip: number): T[] {
    const out: T[] = [];
    for (const prefix of this.#prefixes) {
      const values = this.#byPrefix.get(prefix)?.get((ip & prefixMask(prefix)) >>> 0);
      if (values !== undefined) for (const v of values) if (!out.includes(v)) out.push(v);
    }
    return out;
  }
}

/** The prefix length of a contiguous mask (`0xffffff00` → 24). */
function prefixLength(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m !== 0; m = (m << 1) >>> 0) n++;
  return n;
}
