import { formatIpv4, parseIpv4, prefixMask } from '../../net/ipv4.js';
import { invalidField } from '../errors.js';

/**
 * A whitelisted range: dotted-quad IPv4 plus a prefix length 0-32. Octets with leading zeros
 * (`010.0.0.1`) are rejected because some parsers read them as octal. A range whose address has
 * host bits set beyond the mask (`10.0.0.5/24`) is rejected with the network address to use,
 * not silently normalised: the user may have meant `/32`.
 */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
/** A dotted IPv4 address without leading zeros, as `parseIpv4` reads it. */
export const IPV4_PATTERN = `^${OCTET}(?:\\.${OCTET}){3}$`;
export const IP_EXPECTED = 'expected a dotted IPv4 address such as 203.0.113.10 (no leading zeros)';
export const MASK_EXPECTED = 'expected an integer prefix length from 0 to 32 (32 = a single address)';
const MASK_TEXT = MASK_EXPECTED.replace(/^expected /, '');
/** `parseMask`'s rule as a schema: an integer 0-32, or a string of 1-2 digits of that value. */
export const MASK_SCHEMA = [
  { type: 'integer', minimum: 0, maximum: 32, description: MASK_TEXT },
  { type: 'string', pattern: '^(?:[0-2]?[0-9]|3[0-2])$', description: `${MASK_TEXT}, also as a string ("24")` },
] as const;

export function isIpv4(raw: string): boolean {
  return parseIpv4(raw) !== null;
}

export function parseMask(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 32) {
    throw invalidField('mask', `${JSON.stringify(raw)} is not a prefix length; ${MASK_EXPECTED}`);
  }
  return n;
}

export function ipv4Network(ip: string, mask: number): { ip: string; mask: number } {
  const value = parseIpv4(ip);
  if (value === null) throw invalidField('ip', `${JSON.stringify(ip)} is not an IPv4 address; ${IP_EXPECTED}`);
  const network = (value & prefixMask(mask)) >>> 0;
  if (network !== value) {
    throw invalidField(
      'ip',
      `${ip} has host bits set beyond mask /${mask}; use the network address ${formatIpv4(network)} with mask ` +
        `${mask}, or mask 32 for the single address`,
    );
  }
  return { ip, mask };
}
