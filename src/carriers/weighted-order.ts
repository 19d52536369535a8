export interface Ranked {
  readonly priority: number;
  readonly weight: number;
}

/**
 * The order to try items in: by priority (lower first), and within one priority a weighted random
 * order as RFC 2782 selects SRV targets — each pick is an item with probability weight/sum, weight
 * 0 only after the weighted ones. `random` returns [0, 1) (tests pass a fixed sequence).
 */
export function weightedOrder<T extends Ranked>(items: readonly T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const it of items) {
    const group = byPriority.get(it.priority);
    if (group === undefined) byPriority.set(it.priority, [it]);
    else group.push(it);
  }
  const out: T[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
    const group = byPriority.get(p) as T[];
    const weighted = group.filter((g) => g.weight > 0);
    while (weighted.length > 0) {
      let total = 0;
      for (const w of weighted) total += w.weight;
      let pick = random() * total;
      let i = 0;
      while (i < weighted.length - 1 && pick >= (weighted[i] as T).weight) {
        pick -= (weighted[i] as T).weight;
        i++;
      }
      out.push(weighted.splice(i, 1)[0] as T);
    }
    for (const g of group) if (g.weight <= 0) out.push(g);
  }
  return out;
}
