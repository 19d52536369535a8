import { LIST_HEADERS, headerKey } from './header-name.js';
import { splitHeaderList } from './split-header-list.js';
import type { SipMessage } from './types.js';

/**
 * Removes and returns the first value of a header, even when it shares a line with others
 * (`Via: a, b` → returns `a`, leaves `Via: b`): what a proxy does to the top Via of a response
 * (RFC 3261 §16.7 step 3) or a loose router to the top Route (§16.4). Null when absent.
 */
export function removeFirstValue(msg: SipMessage, name: string): string | null {
  const key = headerKey(name);
  const headers = msg.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (h.name !== key) continue;
    if (!LIST_HEADERS.has(key)) {
      headers.splice(i, 1);
      return h.value;
    }
    const parts = splitHeaderList(h.value).filter(([a, b]) => b > a);
    if (parts.length === 0) {
      headers.splice(i, 1);
      i--;
      continue;
    }
    const [a, b] = parts[0]!;
    const first = h.value.slice(a, b);
    if (parts.length === 1) headers.splice(i, 1);
    else headers[i] = { name: key, value: h.value.slice(parts[1]![0]) };
    return first;
  }
  return null;
}
