import { peerIpv4 } from '../net/ipv4.js';

/** A peer address as uint32, -1 when not IPv4: `peerIpv4` for callers still using the sentinel. */
export function ipv4ToInt(address: string): number { // TEMP re-export until merge
  return peerIpv4(address) ?? -1;
}
