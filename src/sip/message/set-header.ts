import { headerKey } from './header-name.js';
import type { SipMessage } from './types.js';

/** Replaces every occurrence of a header by one `value` (kept at the first occurrence's place, else appended). */
export function setHeader(msg: SipMessage, name: string, value: string): void {
  const key = headerKey(name);
  const headers = msg.headers;
  let at = -1;
  for (let i = 0; i < headers.length; i++) {
    if (headers[i]!.name !== key) continue;
    if (at === -1) {
      at = i;
      headers[i] = { name: key, value };
    } else {
      headers.splice(i, 1);
      i--;
    }
  }
  if (at === -1) headers.push({ name: key, value });
}
