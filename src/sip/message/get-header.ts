import { headerKey } from './header-name.js';
import type { SipMessage } from './types.js';

/**
 * First value of a header, or null. `name` may be long, compact or any case (`Via`, `v`, `VIA`).
 * For list headers this is the whole first line (`a, b`); use `getHeaderValues` to split it.
 */
export function getHeader(msg: SipMessage, name: string): string | null {
  const key = headerKey(name);
  const headers = msg.headers;
  for (let i = 0; i < headers.length; i++) if (headers[i]!.name === key) return headers[i]!.value;
  return null;
}
