import { URI_HEADER, URI_PARAM, URI_PASSWORD, URI_USER, escapeUri } from './lex.js';
import type { SipUri } from './types.js';

/** Writes a URI back, escaping what each component may not carry (RFC 3261 §19.1.2, §25.1). */
export function formatUri(uri: SipUri): string {
  let params = '';
  for (const [name, value] of uri.params) {
    params += `;${escapeUri(name, URI_PARAM)}${value === null ? '' : `=${escapeUri(value, URI_PARAM)}`}`;
  }
  if (uri.scheme === 'tel') return `tel:${escapeUri(uri.user ?? '', URI_PARAM)}${params}`;
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return `${uri.scheme}:${uri.opaque ?? uri.host}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== null) {
    out += escapeUri(uri.user, URI_USER);
    if (uri.password !== null) out += `:${escapeUri(uri.password, URI_PASSWORD)}`;
    out += '@';
  }
  out += uri.host.indexOf(':') !== -1 ? `[${uri.host}]` : uri.host;
  if (uri.port !== null) out += `:${uri.port}`;
  out += params;
  let sep = '?';
  for (const [name, value] of uri.headers) {
    out += `${sep + escapeUri(name, URI_HEADER)}=${escapeUri(value, URI_HEADER)}`;
    sep = '&';
  }
  return out;
}
