/** IPv4 dotted quad → unsigned 32-bit integer, or null when it is not one. */
export function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Whether `ip` falls inside `base/mask` (the spec's whitelisted IP + subnet mask). */
export function ipInRange(ip: string, base: string, mask: number): boolean {
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === null || b === null || mask < 0 || mask > 32) return false;
  if (mask === 0) return true;
  const size = 2 ** (32 - mask);
  return Math.floor(a / size) === Math.floor(b / size);
}
