/**
 * IPv4 addresses as unsigned 32-bit integers: the one parser the gateway (whitelist look-ups on
 * the per-call path), the API (validation of whitelisted ranges) and `vsip doctor` share, so an
 * address the API stores is read the same way by the gateway that enforces it.
 *
 * Accepted: four decimal octets 0–255 separated by dots, nothing else (RFC 791 dotted decimal as
 * `inet_pton` reads it). Octets with a leading zero (`010.0.0.1`) are refused, because
 * `inet_aton` and many tools read them as octal: the same text must not name two addresses.
 * Absent is `null`, never a sentinel number that arithmetic would accept.
 */

/** The address as uint32, or null when `text` is not a dotted-decimal IPv4 address. */
export function parseIpv4(text: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || part > 255 || dots === 3) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero) return null;
      part = part * 10 + (c - 48);
      if (++digits > 3) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return null;
  return value * 256 + part;
}

/**
 * A socket's peer address as uint32, or null for IPv6. A dual-stack socket reports an IPv4 peer
 * as an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2): that is the IPv4
 * address it carries. Only for addresses a socket reports, not for what a user typed.
 */
export function peerIpv4(address: string): number | null {
  return parseIpv4(address.startsWith('::ffff:') ? address.slice(7) : address);
}

/** `a.b.c.d` for a uint32. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Netmask for a prefix length 0–32 as uint32 (0 → 0, 32 → 0xffffffff). */
export function prefixMask(prefix: number): number {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Whether uint32 `ip` lies in `network/prefix`; false for a prefix outside 0–32. */
export function ipv4InPrefix(ip: number, network: number, prefix: number): boolean {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return false;
  const mask = prefixMask(prefix);
  return (ip & mask) >>> 0 === (network & mask) >>> 0;
}
