/** Whitelists wider than this many prefix bits get a warning: a /16 is already 65,536 addresses. */
export const WIDEST_QUIET_MASK = 16;

/**
 * What to tell an operator about a whitelisted range before it admits calls: null for a /16 or
 * narrower, else how many addresses it lets send calls on the trunk. A whitelist is the trunk's
 * first line of defence against toll fraud (the spec: source IP must match, else 403), so a wide
 * one is almost always a typo in the mask.
 */
export function whitelistBreadthWarning(ip: string, mask: number): string | null {
  if (mask >= WIDEST_QUIET_MASK) return null;
  if (mask === 0) return `${ip}/0 admits every IPv4 address on the internet: anyone can send calls on this trunk`;
  const count = (2 ** (32 - mask)).toLocaleString('en-US');
  return (
    `${ip}/${mask} admits ${count} addresses: any of them can send calls on this trunk; ` +
    'whitelist your PBX public IP (mask 32) or its own small range'
  );
}
