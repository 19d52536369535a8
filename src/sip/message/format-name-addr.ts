import { isToken, quote } from './lex.js';
import { formatParams } from './parse-params.js';
import type { NameAddr } from './types.js';

/** Writes `"Display" <uri>;params`, always with `<>` (safe whatever the URI holds, RFC 3261 §20). */
export function formatNameAddr(addr: NameAddr): string {
  let out = '';
  if (addr.displayName !== null && addr.displayName.length > 0) {
    const tokens = addr.displayName.split(' ');
    out = `${tokens.every(isToken) ? addr.displayName : quote(addr.displayName)} `;
  }
  return `${out}<${addr.uri}>${formatParams(addr.params)}`;
}
