import { headerKey } from './header-name.js';
import type { SipMessage } from './types.js';

/**
 * Inserts a header value above the existing ones of the same name (a proxy's own Via, RFC 3261
 * §16.6 step 8; Record-Route, step 4), or at the top of the header list when there are none.
 */
export function prependHeader(msg: SipMessage, name: string, value: string): void {
  const key = headerKey(name);
  const headers = msg.headers;
  let at = 0;
  for (let i = 0; i < headers.length; i++) {
    if (headers[i]!.name === key) {
      at = i;
      break;
    }
  }
  headers.splice(at, 0, { name: key, value });
}
