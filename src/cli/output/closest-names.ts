/** Edits (insert, delete, substitute) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The candidates a mistyped `wanted` most likely meant, closest first, for a "did you mean"
 * line: those containing it (or contained in it) and those at least 40% alike after edits,
 * case ignored (the threshold commander uses for unknown commands).
 */
export function closestNames(wanted: string, candidates: readonly string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const scored: Array<{ name: string; distance: number }> = [];
  for (const name of new Set(candidates)) {
    const c = name.toLowerCase();
    const distance = editDistance(w, c);
    const similarity = (Math.max(w.length, c.length) - distance) / Math.max(w.length, c.length, 1);
    if (c.includes(w) || w.includes(c) || similarity > 0.4) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, max).map((s) => s.name);
}
