import type { SipRequest } from '../sip/message/types.js';
import type { ServerTransaction } from '../sip/transaction/index.js';

/**
 * vsip implements no SIP extension a peer can demand. An option tag in Proxy-Require of a request
 * we relay (RFC 3261 §16.3 item 6) or in Require of a request we answer ourselves (§8.2.2.3) gets
 * `420 Bad Extension` listing the tags in Unsupported. Require of a relayed request is for the far
 * end and passes untouched. Returns true when it answered 420.
 */
export function refuseExtensions(tx: ServerTransaction, req: SipRequest, header: 'require' | 'proxy-require'): boolean {
  const tags: string[] = [];
  for (const h of req.headers) {
    if (h.name !== header) continue;
    for (const v of h.value.split(',')) {
      const tag = v.trim();
      if (tag !== '' && !tags.includes(tag)) tags.push(tag);
    }
  }
  if (tags.length === 0) return false;
  const which = header === 'require' ? 'Require' : 'Proxy-Require';
  tx.reply(420, `Bad Extension (${which}: ${tags.join(', ')} not supported)`, { headers: [{ name: 'unsupported', value: tags.join(', ') }] });
  return true;
}
