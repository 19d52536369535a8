import { headerKey } from './header-name.js';
import type { SipMessage } from './types.js';

/** Removes every occurrence of the named headers; returns how many lines were removed. */
export function removeHeader(msg: SipMessage, ...names: string[]): number {
  const keys = new Set(names.map(headerKey));
  const before = msg.headers.length;
  msg.headers = msg.headers.filter((h) => !keys.has(h.name));
  return before - msg.headers.length;
}
