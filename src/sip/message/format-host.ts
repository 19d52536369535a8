/**
 * A host as a SIP URI, Via or Warning writes it: an IPv6 address in brackets, anything else as it
 * is (RFC 3261 §25.1 `host = hostname / IPv4address / IPv6reference`). Already bracketed stays so.
 */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
