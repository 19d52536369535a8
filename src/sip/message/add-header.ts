import { headerKey } from './header-name.js';
import type { SipMessage } from './types.js';

/** Appends a header line (after any existing ones of the same name: order of values matters, RFC 3261 §7.3.1). */
export function addHeader(msg: SipMessage, name: string, value: string): void {
  msg.headers.push({ name: headerKey(name), value });
}
