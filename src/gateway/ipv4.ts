/**
 * IPv4 addresses as unsigned 32-bit integers, so that "is this source inside a whitelisted
 * range" is one AND and one compare on the per-call path instead of string work.
 */

/** The address as uint32, or -1 when it is not a dotted-quad IPv4 (IPv4-mapped IPv6 is unwrapped). */
export function ipv4ToInt(address: string): number {
  let s = address;
  if (s.startsWith('::ffff:')) s = s.slice(7);
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      if (dots > 3) return -1;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
      if (digits > 3) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

/** Netmask for a prefix length 0–32 as uint32 (0 → 0, 32 → 0xffffffff). */
export function maskBits(prefix: number): number {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
}
