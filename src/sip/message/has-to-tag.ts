import { getHeader } from './get-header.js';
import { nameAddrTag } from './name-addr-tag.js';
import type { SipMessage } from './types.js';

/**
 * Whether the To header carries a tag: a request with one belongs to a dialog (RFC 3261 §12.2),
 * one without starts a new one (§8.2.6.2 for the response side).
 */
export function hasToTag(msg: SipMessage): boolean {
  const to = getHeader(msg, 'to');
  return to !== null && nameAddrTag(to) !== null;
}
