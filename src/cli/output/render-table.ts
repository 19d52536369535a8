/**
 * Aligned, plain-text tables for humans. Emoji and other wide characters count as two columns,
 * so the ✅ / ❌ of `vsip doctor` line up in a terminal.
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - displayWidth(c))))
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(headers.map((_, i) => r[i] ?? ''))),
  ].join('\n');
}

/** Two-column "Setting  Value" layout for one object. */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...fields.map(([k]) => displayWidth(k)));
  return fields.map(([k, v]) => `${k}${' '.repeat(width - displayWidth(k))}  ${v}`).join('\n');
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0xfe0f || (cp >= 0x300 && cp <= 0x36f)) continue; // variation selector, combining marks
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1f300 && cp <= 0x1faff) || // pictographs and emoji
    cp === 0x2705 ||
    cp === 0x274c ||
    cp === 0x2796 ||
    cp === 0x23f3 ||
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xff60)
  );
}

/** A cell for a value that may be missing. */
export function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  return String(v);
}
