/**
 * Splits a header value on the commas that separate list elements (RFC 3261 §7.3.1), ignoring
 * commas inside quoted strings (`"Bell, Alexander"`) and inside `<…>` URIs. Returns the
 * [start, end) offsets of each element, whitespace-trimmed; empty elements are kept as empty
 * ranges so validators can reject `a,,b` (RFC 4475 §3.1.2.1).
 */
export function splitHeaderList(value: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const push = (from: number, to: number): void => {
    while (from < to && (value.charCodeAt(from) === 32 || value.charCodeAt(from) === 9)) from++;
    while (to > from && (value.charCodeAt(to - 1) === 32 || value.charCodeAt(to - 1) === 9)) to--;
    out.push([from, to]);
  };
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 60) inAngle = true;
    else if (c === 62) inAngle = false;
    else if (c === 44 && !inAngle) {
      push(start, i);
      start = i + 1;
    }
  }
  push(start, n);
  return out;
}

/** The non-empty elements of a list header value, as strings. */
export function splitHeaderValues(value: string): string[] {
  if (value.indexOf(',') === -1) {
    return value.length === 0 ? [] : [value];
  }
  const out: string[] = [];
  for (const [a, b] of splitHeaderList(value)) if (b > a) out.push(value.slice(a, b));
  return out;
}
