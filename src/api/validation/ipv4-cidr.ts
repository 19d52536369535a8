import { formatIpv4, parseIpv4, prefixMask } from '../../net/ipv4.js';
import { invalidField } from '../errors.js';

export const CIDR_EXPECTED = 'expected an IPv4 address or network such as 203.0.113.10 or 203.0.113.0/24';

/**
 * A source address of a carrier: an IPv4 address (a /32) or network. As for whitelisted IPs, a
 * network with host bits set is refused with the address to use rather than silently widened.
 * Returned as `a.b.c.d/n`.
 */
export function ipv4Cidr(field: string, raw: string): string {
  const m = /^([0-9.]{7,15})(?:\/(\d{1,2}))?$/.exec(raw.trim());
  const ip = m ? parseIpv4(m[1] ?? '') : null;
  const mask = m?.[2] === undefined ? 32 : Number(m[2]);
  if (ip === null || mask > 32) throw invalidField(field, `${JSON.stringify(raw)} is not valid; ${CIDR_EXPECTED}`);
  const network = (ip & prefixMask(mask)) >>> 0;
  if (network !== ip) {
    throw invalidField(
      field,
      `${JSON.stringify(raw)} has host bits set beyond /${mask}; use ${formatIpv4(network)}/${mask}`,
    );
  }
  return `${formatIpv4(ip)}/${mask}`;
}
