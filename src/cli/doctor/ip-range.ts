import { ipv4InPrefix, parseIpv4 } from '../../net/ipv4.js';

/** Whether `ip` falls inside `base/mask` (the spec's whitelisted IP + subnet mask). */
export function ipInRange(ip: string, base: string, mask: number): boolean {
  const a = parseIpv4(ip);
  const b = parseIpv4(base);
  return a !== null && b !== null && ipv4InPrefix(a, b, mask);
}
