import { LIST_HEADERS, headerKey } from './header-name.js';
import { splitHeaderValues } from './split-header-list.js';
import type { SipMessage } from './types.js';

/**
 * Every value of a header in wire order. For headers whose grammar is a comma list (Via, Route,
 * Record-Route, Contact, Allow, Supported, Require…) each line is split on commas outside quotes
 * and `<>`; other headers (Authorization, WWW-Authenticate, Date…) are returned line by line.
 * @see RFC 3261 §7.3.1
 */
export function getHeaderValues(msg: SipMessage, name: string): string[] {
  const key = headerKey(name);
  const split = LIST_HEADERS.has(key);
  const out: string[] = [];
  for (const h of msg.headers) {
    if (h.name !== key) continue;
    if (split) for (const v of splitHeaderValues(h.value)) out.push(v);
    else out.push(h.value);
  }
  return out;
}
