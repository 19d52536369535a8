import { networkInterfaces } from 'node:os';

/**
 * The host written in Via sent-by and Record-Route: peers send responses and in-dialog requests
 * there, so it must be reachable. Order: `--sip-advertise`, the bind address when it is not a
 * wildcard, the first non-internal IPv4 address, else 127.0.0.1.
 */
export function advertisedHost(advertise: string | null, bindHost: string): string {
  if (advertise !== null && advertise !== '') return advertise;
  if (bindHost !== '0.0.0.0' && bindHost !== '::' && bindHost !== '') return bindHost;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
