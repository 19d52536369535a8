import type { ServerTransaction, SipRequest } from '../sip/index.js';
import type { Refusal } from './refuse.js';

/**
 * vsip implements no SIP extension a peer can demand. An option tag in Proxy-Require of a request
 * we relay (RFC 3261 §16.3 item 6) or in Require of a request we answer ourselves (§8.2.2.3) gets
 * `420 Bad Extension` listing the tags in Unsupported. Require of a relayed request is for the far
 * end and passes untouched. Null when there is nothing to refuse.
 */
export function extensionRefusal(req: SipRequest, header: 'require' | 'proxy-require'): Refusal | null {
  const tags: string[] = [];
  for (const h of req.headers) {
    if (h.name !== header) continue;
    for (const v of h.value.split(',')) {
      const tag = v.trim();
      if (tag !== '' && !tags.includes(tag)) tags.push(tag);
    }
  }
  if (tags.length === 0) return null;
  const which = header === 'require' ? 'Require' : 'Proxy-Require';
  return {
    code: 420,
    reason: `Bad Extension (${which}: ${tags.join(', ')} not supported)`,
    cause: 'unsupported_extension',
    headers: [{ name: 'unsupported', value: tags.join(', ') }],
  };
}

/**
 * `extensionRefusal` answered on the spot, for requests that are not calls (nothing to record). Returns true when it
 * answered 420.
 */
export function refuseExtensions(tx: ServerTransaction, req: SipRequest, header: 'require' | 'proxy-require'): boolean {
  const r = extensionRefusal(req, header);
  if (r === null) return false;
  tx.reply(r.code, r.reason, { headers: r.headers ?? [] });
  return true;
}
