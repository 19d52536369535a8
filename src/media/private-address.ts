import { isIP } from 'node:net';

/**
 * Whether an SDP connection address cannot be reached from the Internet: RFC 1918 (10/8,
 * 172.16/12, 192.168/16), RFC 6598 shared space (100.64/10, carrier-grade NAT), link-local,
 * unique-local IPv6 (fc00::/7) — the address of a PBX behind NAT, not where its RTP comes from.
 */
export function isPrivateAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254)
    );
  }
  if (kind === 6) {
    const first = address.toLowerCase().split(':')[0] ?? '';
    return /^f[cd]/.test(first) || /^fe[89ab]/.test(first);
  }
  return false;
}
